"""The app under Streamlit's AppTest: started from a URL query as a planner's link would, each run checked."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT_S = 180  # seconds a run may take: the first one builds the circles on a loaded CI machine


def start(*, session: Mapping[str, object] | None = None, **query: str) -> AppTest:
    """The app opened at ``?key=value&…`` (its first run done, not yet checked), with ``session`` set in its
    session state before that run (a section a planner has opened, say)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at.run()


def checked(at: AppTest) -> AppTest:
    """``at`` after a run that raised nothing (the exceptions' messages otherwise)."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def params(at: AppTest) -> dict[str, str]:
    """The URL query the app wrote (the last value of a repeated key)."""
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
