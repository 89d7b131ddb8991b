"""Fixtures for the browser tests: the site built once, served by `edition serve`, and
headless Debian Chromium driven by Playwright.

Without /usr/bin/chromium the tests are skipped, unless EDITION_REQUIRE_BROWSER is set
(as CI should), in which case they fail. `scripts/install-test-deps.sh` installs Chromium
and axe-core (tests/browser/node_modules). `playwright install` is never needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"


def _missing(what: str) -> None:
    message = f"{what} (run scripts/install-test-deps.sh)"
    if os.environ.get("EDITION_REQUIRE_BROWSER"):
        pytest.fail(message + "; EDITION_REQUIRE_BROWSER is set, so this is an error", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`python -m edition serve` on a free port, as a subprocess."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        # its output goes to a file, not a pipe that nobody reads and that could fill up
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "edition", "serve", "--site", str(site_dir), "--port", str(self.port)],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"`edition serve` exited with {self.process.returncode}: {self.log.read()}")
            try:
                with urllib.request.urlopen(self.url + "index.html", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"`edition serve` did not answer on {self.url} within 20 s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _build_in_thread(tei_dir: Path, site: Path, settings):
    """build_site() in a thread of its own: the search index is made with asyncio.run(), which
    refuses to run (and the site is left without search) where an event loop is already
    running, as Playwright's sync API may have one in the main thread."""
    from edition.site import build_site

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(build_site, tei_dir, site, settings, progress=False).result()


@pytest.fixture(scope="session")
def build_in_thread():
    return _build_in_thread


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        _missing(f"{CHROMIUM} is not installed: the browser tests need Debian's chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Python Playwright is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def settings():
    from edition.settings import load_settings

    return load_settings(ROOT / "edition.toml")


@pytest.fixture(scope="session")
def tei_dir() -> Path:
    return ROOT / "tei"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory, tei_dir, settings) -> Path:
    """The site built once from the repository's tei/ (search index included)."""
    site = tmp_path_factory.mktemp("browser") / "site"
    report = _build_in_thread(tei_dir, site, settings)
    assert report.documents == len(list(tei_dir.glob("*.xml")))
    assert report.search_pages, f"no search index: {[w.message for w in report.warnings]}"
    return site


@pytest.fixture(scope="session")
def serve(chromium_path) -> Iterator[Callable[[Path], Server]]:
    """Starts `edition serve` for a site folder; every server is stopped at the end of the session."""
    servers: list[Server] = []

    def start(site: Path) -> Server:
        server = Server(site)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def server(serve, site_dir) -> Server:
    return serve(site_dir)


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.url


@pytest.fixture(scope="module")
def browser(chromium_path):
    """Chromium for one test module. Not for the session: Playwright's sync API keeps an asyncio
    loop running in the main thread while it is open, and asyncio.run() (the search index in
    build_site) refuses to run under it, so tests collected later would build sites without search."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser context and page, recording every request and every script error."""

    def __init__(self, browser, base_url: str, **options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        options.setdefault("reduced_motion", "reduce")
        self.context = browser.new_context(base_url=base_url, **options)
        self.context.set_default_timeout(10_000)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)

        def dialog(d):
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        self.page.on("dialog", dialog)

    def foreign_requests(self, base_url: str) -> list[str]:
        """Requests that went anywhere but the local server."""
        local = urlsplit(base_url)
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("http", "https")
                or (urlsplit(url).hostname, urlsplit(url).port) != (local.hostname, local.port)]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, base_url) -> Iterator[Callable[..., Visit]]:
    """visit(**context_options) -> Visit against the main site; contexts are closed afterwards."""
    opened: list[Visit] = []

    def open_(url: str = base_url, **options) -> Visit:
        v = Visit(browser, url, **options)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


@pytest.fixture(scope="module")
def scheme_visits(browser, base_url) -> Iterator[dict[str, Visit]]:
    """One context in the light and one in the dark colour scheme, shared by a module's tests."""
    visits = {scheme: Visit(browser, base_url, color_scheme=scheme) for scheme in ("light", "dark")}
    yield visits
    for v in visits.values():
        v.close()


@pytest.fixture(scope="session")
def axe_source(chromium_path) -> Path:
    if not AXE.is_file():
        _missing(f"{AXE} is missing: axe-core is not installed")
    return AXE
