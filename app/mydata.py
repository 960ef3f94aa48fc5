"""The app's "我的数据 / My data" sidebar section (Streamlit): upload, user layers, saved views, workspace file.

Kept beside ``streamlit_app.py`` because library code (geo, layers, data) never imports Streamlit.
All work is done by :mod:`workspace`; this module only draws widgets and
shows its one-line errors (``st.error``) and warnings (``st.warning``). Text
from files is shown with Markdown and HTML escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from app.state import keep
from layers.i18n import escape_markdown, t
from workspace.errors import NeedsTableError, UserDataError
from workspace.reader import (
    CRS_CHOICES,
    ENCODINGS,
    ReadOptions,
    guess_crs,
    guess_lonlat,
    import_limits,
    max_bytes,
    table_columns,
)
from workspace.scratch import scratch_dir
from workspace.specs import import_file, layer_id
from workspace.store import LayerStyle, Workspace

__all__ = ["OPEN_KEY", "UPLOAD_TYPES", "settings_problem", "sidebar"]

OPEN_KEY = "ud_open"  # session state: whether the section is open

UPLOAD_TYPES = ("csv", "txt", "xlsx", "geojson", "json", "kml", "kmz", "zip", "gpkg")
ss = st.session_state


def _say(kind: str, text: str) -> None:
    """Queue a message to show after the rerun that brings the change on screen."""
    ss.setdefault("ud_messages", []).append((kind, text))


def _act(action: Callable[[], object], success: str) -> bool:
    """Make one workspace change; queue its one-line error, or ``success``, for the next run. True if done."""
    try:
        action()
    except UserDataError as err:
        _say("error", str(err))
        return False
    _say("success", success)
    return True


def _show_messages() -> None:
    for kind, text in ss.pop("ud_messages", []):
        {"error": st.error, "warning": st.warning, "success": st.success}[kind](escape_markdown(text))


def _upload_path(upload) -> Path:
    """The upload saved under its own (base) name in a per-session folder, written once per upload."""
    if ss.get("ud_upload_id") != upload.file_id:
        ss.ud_dir = scratch_dir("upload")  # removed when the session ends (or at the next start, after a crash)
        path = Path(ss.ud_dir.name) / (Path(upload.name).name or "upload")
        path.write_bytes(upload.getvalue())
        ss.ud_upload_id, ss.ud_path, ss.ud_tables = upload.file_id, str(path), []
    return Path(ss.ud_path)


def settings_problem() -> str | None:
    """The one-line message about an unusable import setting (``MYE_MAX_IMPORT_MB=inf`` …), or None."""
    try:
        import_limits()
    except UserDataError as err:
        return str(err)
    return None


def sidebar(container, lang: str, workspace: Workspace, *, current_query: Callable[[], str],
            open_view: Callable[[str], None]) -> None:
    """Draw the section in ``container`` (the sidebar).

    ``current_query()`` gives the view on screen as a query string; ``open_view(query)`` makes the app show a
    saved one. Cached frames need no clearing: a changed user layer has a new revision.
    """
    problem = settings_problem()
    # Drawn only while open: closed, the section keeps its dozen elements off the page's first render. Its
    # layers' checkboxes keep their state (:func:`app.sidebar.sidebar` keeps every layer key), and a planner who
    # opened it finds it open after an upload's reruns and the import's message. A bad setting, a damaged
    # workspace record or a read-only workspace opens it (once per new message), so its message is seen.
    keep("ud_view_name")
    attention = _attention(workspace)
    if problem is not None or ss.get("ud_messages") or (attention and attention != ss.get("ud_attention")):
        ss[OPEN_KEY] = True
    ss.ud_attention = attention
    section = container.expander(t("ud_title", lang), key=OPEN_KEY, on_change="rerun")
    if not section.open:
        return
    with section:
        _show_messages()
        if problem:
            st.error(escape_markdown(problem))  # imports stay off until the setting is fixed
        else:
            _import_form(lang, workspace)
        _layer_list(lang, workspace)
        _views(lang, workspace, current_query, open_view)
        _workspace_file(lang, workspace, importing=problem is None)


def _attention(workspace: Workspace) -> tuple[str, ...]:
    """What the workspace has to say: its notices, or the error reading it."""
    try:
        return tuple(workspace.notices())
    except UserDataError as err:
        return (str(err),)


def _import_form(lang: str, workspace: Workspace) -> None:
    upload = st.file_uploader(t("ud_file", lang), type=list(UPLOAD_TYPES), key="ud_file")
    if upload is None:
        return
    if upload.size > max_bytes():
        st.error(f"{upload.name}: {upload.size / 2**20:.1f} MB > {max_bytes() / 2**20:g} MB")
        return
    path = _upload_path(upload)
    encoding = st.selectbox(t("ud_encoding", lang), [None, *ENCODINGS], key="ud_encoding",
                            format_func=lambda e: e or t("ud_encoding_auto", lang))
    lon = lat = table = None
    try:
        columns = table_columns(path, ReadOptions(encoding=encoding))
    except UserDataError as err:
        st.error(escape_markdown(str(err)))
        return
    if columns:
        glon, glat, _ = guess_lonlat(columns)
        lon = st.selectbox(t("ud_lon", lang), columns, index=columns.index(glon) if glon else 0, key="ud_lon")
        lat = st.selectbox(t("ud_lat", lang), columns, index=columns.index(glat) if glat else min(1, len(columns) - 1),
                           key="ud_lat")
    if ss.get("ud_tables"):
        table = st.selectbox(t("ud_table", lang), ss.ud_tables, key="ud_table")
    crs = _crs_choice(lang, upload.name, columns or [])
    name = st.text_input(t("ud_name", lang), value=Path(upload.name).stem[:60], key="ud_name")
    color = st.color_picker(t("ud_color", lang), value="#e6550d", key="ud_color")
    replace = st.checkbox(t("ud_replace", lang), key="ud_replace")
    if st.button(t("ud_import", lang), key="ud_go", type="primary", disabled=crs is None,
                 help=None if crs else t("ud_crs_needed", lang)):
        options = ReadOptions(crs=None if crs == "auto" else crs, lon=lon, lat=lat, encoding=encoding, table=table)
        try:
            report = import_file(path, name, options=options, workspace=workspace, style=LayerStyle(color=color),
                                 replace=replace, source_name=Path(upload.name).name)
        except NeedsTableError as err:
            ss.ud_tables = err.choices
            st.rerun()
        except UserDataError as err:
            st.error(escape_markdown(str(err)))
            return
        for warning in report.warnings:
            _say("warning", warning)
        _say("success", t("ud_imported", lang, n=report.layer.feature_count, name=report.layer.name))
        _show_layer(report.layer_id)
        st.rerun()


def _crs_choice(lang: str, file_name: str, columns: list[str]) -> str | None:
    """The coordinate system the planner picked (None until one is): never a silent default, since a 高德
    table read as WGS-84 lands ~500 m off. A guess from the file and column names is offered, and called one."""
    keys = [*CRS_CHOICES, "auto", "epsg"]
    labels = {k: CRS_CHOICES[k][0 if lang == "zh" else 1] if k in CRS_CHOICES else t(f"ud_{k}", lang) for k in keys}
    guess = guess_crs(file_name, columns)
    crs = st.selectbox(t("ud_crs", lang), keys, index=None, format_func=labels.get, key="ud_crs",
                       placeholder=t("ud_crs_placeholder", lang))
    if guess and crs is None:
        key, word = guess
        st.caption(escape_markdown(t("ud_crs_guess", lang, crs=labels[key], word=word)))
        st.button(t("ud_crs_take", lang), key="ud_crs_take", on_click=lambda: ss.__setitem__("ud_crs", key))
    if crs == "epsg":
        crs = "EPSG:" + st.text_input(t("ud_epsg_code", lang), value="4547", key="ud_epsg").strip()
    return crs


def _show_layer(lid: str) -> None:
    """Tick a new layer's checkbox; one already drawn in this run (a replaced layer) keeps its state."""
    if f"layer_{lid}" not in ss:
        ss[f"layer_{lid}"] = True


def _layer_list(lang: str, workspace: Workspace) -> None:
    st.markdown(f"**{t('ud_layers', lang)}**")
    try:
        user_layers = workspace.layers()
        notices = workspace.notices()
    except UserDataError as err:
        st.error(escape_markdown(str(err)))
        return
    for notice in notices:
        st.warning(escape_markdown(notice))
    if not user_layers:
        st.caption(t("ud_none", lang))
    for la in user_layers:
        # The layer's checkbox lives here, in the one 我的数据 section (not in a second group under 图层).
        st.checkbox(escape_markdown(la.title), key=f"layer_{layer_id(la.name)}")
        st.caption(escape_markdown(f"{la.feature_count} · {la.source_file} ({la.source_crs})"))
        # The sidebar is narrow: the two buttons get a row of their own under the layer's line.
        left, right = st.columns(2)
        with left.popover(t("ud_style", lang), width="stretch"):
            _style_form(lang, workspace, la)
        if right.button(t("ud_delete", lang), key=f"ud_del_{la.name}", width="stretch"):
            ss.ud_confirm = la.name
    pending = ss.get("ud_confirm")
    if pending and any(la.name == pending for la in user_layers):
        st.warning(escape_markdown(t("ud_confirm", lang, name=pending)))
        yes, no = st.columns(2)
        if yes.button(t("ud_yes", lang), key="ud_del_yes", type="primary"):
            if _act(lambda: workspace.remove_layer(pending), t("ud_deleted", lang, name=pending)):
                ss.pop(f"layer_{layer_id(pending)}", None)
            ss.ud_confirm = None
            st.rerun()
        if no.button(t("ud_no", lang), key="ud_del_no"):
            ss.ud_confirm = None
            st.rerun()


def _style_form(lang: str, workspace: Workspace, layer) -> None:
    """Colour, point radius, line width and fill opacity of one user layer; the features stay as they are."""
    old = layer.style
    key = f"ud_style_{layer.name}"
    color = st.color_picker(t("ud_color", lang), value=old.color, key=f"{key}_color")
    radius = st.slider(t("ud_radius", lang), 1.0, 40.0, float(old.radius), 1.0, key=f"{key}_radius")
    weight = st.slider(t("ud_weight", lang), 0.5, 20.0, float(old.weight), 0.5, key=f"{key}_weight")
    opacity = st.slider(t("ud_fill_opacity", lang), 0.0, 1.0, float(old.fill_opacity), 0.05, key=f"{key}_fill")
    if st.button(t("ud_apply", lang), key=f"{key}_apply", type="primary"):
        def restyle() -> None:
            workspace.set_style(layer.name, LayerStyle(color=color, radius=radius, weight=weight, fill_opacity=opacity))

        _act(restyle, t("ud_restyled", lang, name=layer.name))
        st.rerun()


def _views(lang: str, workspace: Workspace, current_query: Callable[[], str],
           open_view: Callable[[str], None]) -> None:
    st.markdown(f"**{t('ud_views', lang)}**")
    name = st.text_input(t("ud_view_name", lang), key="ud_view_name")
    if st.button(t("ud_save_view", lang), key="ud_view_save"):
        try:
            workspace.save_view(name, current_query())
        except UserDataError as err:
            st.error(escape_markdown(str(err)))
        else:
            st.success(escape_markdown(t("ud_saved", lang, name=name.strip())))
    try:
        saved = workspace.views()
    except UserDataError as err:
        st.error(escape_markdown(str(err)))
        return
    if saved:
        choice = st.selectbox(t("ud_views", lang), list(saved), key="ud_view_pick", label_visibility="collapsed")
        left, right = st.columns(2)
        if left.button(t("ud_open_view", lang), key="ud_view_open", width="stretch"):
            open_view(saved[choice])
            st.rerun()
        if right.button(t("ud_delete_view", lang), key="ud_view_delete", width="stretch"):
            _act(lambda: workspace.remove_view(choice), t("ud_view_deleted", lang, name=choice))
            st.rerun()


def _workspace_file(lang: str, workspace: Workspace, *, importing: bool) -> None:
    st.markdown(f"**{t('ud_workspace', lang)}**")
    if st.button(t("ud_prepare", lang), key="ud_ws_prepare"):
        try:
            ss.ud_ws_bytes = workspace.export_bytes()
        except UserDataError as err:
            st.error(escape_markdown(str(err)))
    if ss.get("ud_ws_bytes"):
        st.download_button("workspace.gpkg", ss.ud_ws_bytes, file_name="workspace.gpkg",
                           mime="application/geopackage+sqlite3", key="ud_ws_download")
    if not importing:
        return
    upload = st.file_uploader(t("ud_upload_ws", lang), type=["gpkg"], key="ud_ws_file")
    if upload is not None:
        replace = st.checkbox(t("ud_replace", lang), key="ud_ws_replace")
        if st.button(t("ud_merge", lang), key="ud_ws_go"):
            with scratch_dir("upload") as tmp:
                path = Path(tmp) / (Path(upload.name).name or "workspace.gpkg")
                path.write_bytes(upload.getvalue())
                try:
                    report = workspace.import_workspace(path, replace=replace)
                except UserDataError as err:
                    st.error(escape_markdown(str(err)))
                    return
            for n in report.layers:
                _show_layer(layer_id(n))
            for notice in report.notices:
                _say("warning", notice)
            _say("success", t("ud_merged", lang, layers=len(report.layers), views=len(report.views)))
            st.rerun()
