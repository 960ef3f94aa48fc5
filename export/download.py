"""What an export hands back: a file's bytes, its name and MIME type, and notices about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["Download", "stamp"]


@dataclass(frozen=True)
class Download:
    """A file ready for ``st.download_button(data=..., file_name=..., mime=...)``."""

    data: bytes
    filename: str
    mime: str
    notices: tuple[str, ...] = ()


def stamp(stem: str, ext: str) -> str:
    """A file name with today's date: ``stem_YYYYMMDD.ext``."""
    return f"{stem}_{date.today():%Y%m%d}{ext}"
