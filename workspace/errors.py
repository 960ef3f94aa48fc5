"""Typed errors for importing planners' own data and for the workspace.

Every error is a :class:`ValueError` subclass whose message is one line that
names the file (or workspace) and the problem, so the app shows it with
``st.error`` and the command line prints it after ``error:``.
"""

from __future__ import annotations

from layers.i18n import printable

__all__ = [
    "BadCoordinatesError",
    "BadGeometryError",
    "BadNameError",
    "CoordinateColumnsError",
    "EmptyFileError",
    "EncodingError",
    "FileTooLargeError",
    "LayerExistsError",
    "MalformedFileError",
    "MissingPartsError",
    "NeedsTableError",
    "SettingError",
    "UnknownCRSError",
    "UnknownUserLayerError",
    "UnsafeArchiveError",
    "UnsupportedFormatError",
    "UserDataError",
    "WorkspaceError",
    "WrongExtensionError",
]


class UserDataError(ValueError):
    """Base class: a user file that cannot be imported, or a workspace request that cannot be done."""

    def __init__(self, message: str) -> None:
        # Messages are shown as one line; stray newlines from parser errors would break that, and names from files
        # may hold terminal escapes, which are shown, not obeyed.
        super().__init__(printable(" ".join(str(message).split())))


class SettingError(UserDataError):
    """An environment setting (``MYE_MAX_IMPORT_MB`` and the other import limits) that is not a usable value."""


class EmptyFileError(UserDataError):
    """The file has no bytes, or no rows/features."""


class FileTooLargeError(UserDataError):
    """The file (or an archive's unpacked contents) exceeds the size limit."""


class UnsupportedFormatError(UserDataError):
    """A format the importer does not read (old .xls, a bare .shp, an unknown binary)."""


class WrongExtensionError(UserDataError):
    """The content is one known format but the extension claims another."""


class MalformedFileError(UserDataError):
    """Truncated or invalid content: broken JSON, broken zip, unreadable table."""


class UnsafeArchiveError(UserDataError):
    """A zip with path traversal, links or an extreme compression ratio (zip bomb)."""


class MissingPartsError(UserDataError):
    """A zipped Shapefile without its .shx or .dbf."""


class NeedsTableError(UserDataError):
    """The file holds several tables (GeoPackage layers, Shapefiles, sheets) and none was chosen."""

    def __init__(self, message: str, choices: list[str]) -> None:
        super().__init__(message)
        self.choices = choices


class EncodingError(UserDataError):
    """Text that is neither UTF-8 nor GB18030 (or not the encoding the user chose)."""


class CoordinateColumnsError(UserDataError):
    """A table whose longitude/latitude columns cannot be found, or that the user named wrongly."""


class BadCoordinatesError(UserDataError):
    """Non-numeric, non-finite or out-of-range coordinates (including swapped lon/lat and metres as degrees)."""


class BadGeometryError(UserDataError):
    """Missing, empty or invalid geometries."""


class UnknownCRSError(UserDataError):
    """A source coordinate system the importer does not know."""


class BadNameError(UserDataError):
    """A layer or view name that is empty, too long, or has characters unsafe in ids and file names."""


class LayerExistsError(UserDataError):
    """A user layer or view with that name already exists (and replacing was not asked for)."""


class UnknownUserLayerError(UserDataError):
    """No user layer or view with that name in the workspace."""


class WorkspaceError(UserDataError):
    """The workspace file cannot be opened, is not a workspace, or is damaged."""
