"""Preview a built site on 127.0.0.1 (search needs HTTP: browsers block Pagefind on file://)."""

from __future__ import annotations

import functools
import http.server
import os
import signal
import socket
import threading
from pathlib import Path
from typing import ClassVar

from edition.errors import EditionError


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".pagefind": "application/octet-stream",
        ".pf_meta": "application/octet-stream",
        ".pf_fragment": "application/octet-stream",
        ".pf_index": "application/octet-stream",
        ".pf_filter": "application/octet-stream",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
        ".ris": "application/x-research-info-systems",
        ".bib": "application/x-bibtex; charset=utf-8",
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args) -> None:  # quieter than the default
        pass

    def send_head(self):
        """Only files inside the site: no directory listings, no links out of it (a link in
        site/ served /etc/passwd), a 400 for a path no file can have (`/%00`)."""
        try:
            path = self.translate_path(self.path)
            real, root = os.path.realpath(path), os.path.realpath(self.directory)
        except ValueError:
            self.send_error(400, "Bad path")
            return None
        if real != root and not real.startswith(root + os.sep):
            self.send_error(404, "File not found")
            return None
        if os.path.isdir(real) and not os.path.isfile(os.path.join(real, "index.html")) \
                and not os.path.isfile(os.path.join(real, "index.htm")):
            self.send_error(404, "File not found")
            return None
        try:
            return super().send_head()
        except ValueError:  # a NUL byte in the path
            self.send_error(400, "Bad path")
            return None

    def list_directory(self, path):  # never a listing of the site's folders
        self.send_error(404, "File not found")
        return None


def make_server(site_dir: Path, port: int, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    site_dir = Path(site_dir)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise EditionError(f"--port {port}: a port is a number from 1 to 65535 (0: any free port)")
    if not (site_dir / "index.html").is_file():
        raise EditionError(f"{site_dir}: no built site here (run `edition build` first)")
    handler = functools.partial(_Handler, directory=str(site_dir.resolve()))
    try:
        server_class = _IPv6Server if ":" in host else http.server.ThreadingHTTPServer
        return server_class((host, port), handler)
    except OSError as error:
        raise EditionError(f"cannot serve on {host}:{port}: {error.strerror or error} (try --port or --host)") from None


class _IPv6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve_site(site_dir: Path, port: int = 8000, host: str = "127.0.0.1") -> None:
    """Serve `site_dir` until Ctrl-C (or SIGTERM); prints the URL."""
    server = make_server(site_dir, port, host)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    host, real_port = server.server_address[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving {site_dir} at http://{shown}:{real_port}/  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
    finally:
        server.server_close()
