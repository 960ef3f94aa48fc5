"""Shared fixtures: a Streamlit server on a free localhost port, and headless Chromium with the outside blocked."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tests (and the app servers they start) never read or write the developer's own workspace.
os.environ["MYE_WORKSPACE"] = str(Path(tempfile.mkdtemp(prefix="mye_test_workspace_")) / "workspace.gpkg")
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT_S = 60.0
LOCAL_PREFIXES = ("http://localhost", "http://127.0.0.1", "ws://localhost", "ws://127.0.0.1", "data:", "blob:",
                  "about:")


def frame_count(frame, selector: str) -> int:
    """How many elements of ``frame`` match ``selector``; 0 if the frame is detached while looking (Streamlit
    replaces the map's iframe on a rerun)."""
    try:
        return frame.locator(selector).count()
    except Exception:
        return 0


def count_in_frames(page, selector: str) -> int:
    """The most elements matching ``selector`` in any one frame of ``page``."""
    return max((frame_count(frame, selector) for frame in page.frames), default=0)


def map_frame(page, timeout_s: float = 40.0, poll_s: float = 0.2):
    """The streamlit-folium iframe once it has drawn at least one feature."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame_count(frame, "path.mye-f") > 0:
                return frame
        time.sleep(poll_s)
    raise AssertionError("the map did not draw any feature")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(port: int | None = None, env: dict[str, str] | None = None, *,
                     warm: bool = True) -> Iterator[str]:
    """Run the app on localhost as ``make run`` does (``python -m app.serve``, which warms the process before it
    listens) or, with ``warm=False``, as plain ``streamlit run streamlit_app.py``; yield its base URL; stop it."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="mye_streamlit_", suffix=".log", delete=False)  # noqa: SIM115
    entry = ["-m", "app.serve"] if warm else ["-m", "streamlit", "run", str(ROOT / "streamlit_app.py")]
    cmd = [sys.executable, *entry, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer within {SERVER_START_TIMEOUT_S:g} s; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of a Streamlit server running the explorer for the whole test session."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def workspace_app(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A server of the test module's own whose workspace is a temporary file (``MYE_WORKSPACE``): its URL and
    the workspace's path."""
    ws = tmp_path_factory.mktemp("ws") / "workspace.gpkg"
    with streamlit_server(env={"MYE_WORKSPACE": str(ws)}) as url:
        yield url, ws


def require_browser() -> None:
    """Skip (or fail when ``MYE_REQUIRE_BROWSER=1``) if Debian's chromium or Playwright is missing."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} not found (apt-get install chromium; .ci/run does this)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed"
    if missing:
        if os.environ.get("MYE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (MYE_REQUIRE_BROWSER=1) but {missing}")
        pytest.skip(missing)


@dataclass
class BrowserPage:
    """A Playwright page plus the requests it tried to send outside localhost (all aborted)."""

    page: object
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def chromium_context() -> Iterator[object]:
    """One headless Chromium (Debian's, fresh profile) for the session."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="mye_chromium_") as profile, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                    headless=True, viewport={"width": 1500, "height": 1000})
        ctx.set_default_timeout(30_000)
        yield ctx
        ctx.close()


def _guarded_page(context) -> BrowserPage:
    """A new page in which every non-localhost request is aborted and recorded; JS dialogs are recorded."""
    page = context.new_page()
    result = BrowserPage(page)

    def route(r) -> None:
        url = r.request.url
        if url.startswith(LOCAL_PREFIXES):
            r.continue_()
        else:
            result.blocked.append(url)
            r.abort()

    page.route("**/*", route)

    def on_dialog(d) -> None:
        result.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    return result


@pytest.fixture
def browser_page(chromium_context) -> Iterator[BrowserPage]:
    """A guarded page (see :func:`_guarded_page`), closed after the test."""
    result = _guarded_page(chromium_context)
    yield result
    result.page.close()


@pytest.fixture
def second_browser_page(chromium_context) -> Iterator[BrowserPage]:
    """Another guarded page: a second tab is a second Streamlit session, as a colleague's browser would be."""
    result = _guarded_page(chromium_context)
    yield result
    result.page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for test artefacts (screenshots); gitignored."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
