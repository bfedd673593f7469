"""A loopback HTTP server for recorded sites: the demo's, the tests' and the benchmarks'.

It serves a folder on 127.0.0.1 (never another address), fills `{{BASE_URL}}` in text
files with its own address, answers conditional GETs (ETag, Last-Modified -> 304) and
fails on purpose on fault routes, as Scrapy's own mock server does:

    /_status/<code>/<anything>   answers <code>
    /_big/<bytes>/<anything>     answers that many bytes of HTML
    /_slow/<seconds>/<path>      waits, then serves <path>

Every request is logged (`server.requests`) so tests can check what was fetched.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TEXT_SUFFIXES = {".xml", ".rdf", ".atom", ".rss", ".html", ".htm", ".txt", ".json"}
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
START_TIME = email.utils.formatdate(time.time() - 3600, usegmt=True)


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: LocalSiteServer

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        self.server.requests.append(LoggedRequest("GET", self.path, dict(self.headers.items())))
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        try:
            if parts[0] == "_status" and len(parts) >= 2:
                return self._send(int(parts[1]), b"status on purpose\n", "text/plain")
            if parts[0] == "_big" and len(parts) >= 2:
                return self._send_big(int(parts[1]))
            if parts[0] == "_slow" and len(parts) >= 2:
                time.sleep(float(parts[1]))
                path = "/" + "/".join(parts[2:])
            self._serve_file(path)
        except (BrokenPipeError, ConnectionResetError):
            return None

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_big(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_530 + b"</p>\n"
        sent = 0
        while sent < size:
            piece = chunk[: min(len(chunk), size - sent)]
            self.wfile.write(piece)
            sent += len(piece)

    def _serve_file(self, path: str) -> None:
        body = self.server.content(path)
        if body is None:
            return self._send(404, b"not found\n", "text/plain")
        suffix = Path(path).suffix.lower()
        content_type = (
            CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
        )
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.server.conditional:
            if self.headers.get("If-None-Match") == etag:
                return self._send(HTTPStatus.NOT_MODIFIED, b"", content_type, {"ETag": etag})
            extra = {"ETag": etag, "Last-Modified": self.server.last_modified(path)}
        else:
            extra = {}
        self._send(200, body, content_type, extra)


class LocalSiteServer(ThreadingHTTPServer):
    """Serve `root` on 127.0.0.1:`port` (0: a free port) in a background thread."""

    daemon_threads = True

    def __init__(self, root: Path, port: int = 0, conditional: bool = True) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.root = Path(root).resolve()
        self.conditional = conditional
        self.requests: list[LoggedRequest] = []
        self.overrides: dict[str, bytes] = {}
        self._modified: dict[str, str] = {}
        self._thread: threading.Thread | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-request (a crawl closing its keep-alive connections at
        the end) is normal here; anything else is still printed."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def content(self, path: str) -> bytes | None:
        """The bytes served at `path`, with `{{BASE_URL}}` filled in text files."""
        if path in self.overrides:
            body = self.overrides[path]
        else:
            target = (self.root / path.lstrip("/")).resolve()
            if self.root not in target.parents or not target.is_file():
                return None
            body = target.read_bytes()
        if Path(path).suffix.lower() in TEXT_SUFFIXES:
            body = body.replace(b"{{BASE_URL}}", self.base_url.encode())
        return body

    def last_modified(self, path: str) -> str:
        return self._modified.get(path, START_TIME)

    def set_file(self, path: str, body: bytes) -> None:
        """Change what `path` serves (a feed that gains entries, say), with a new date."""
        self.overrides[path] = body
        self._modified[path] = email.utils.formatdate(time.time(), usegmt=True)

    def paths_requested(self) -> list[str]:
        return [r.path for r in self.requests]

    def start(self) -> LocalSiteServer:
        self._thread = threading.Thread(target=self.serve_forever, name="rnk-localserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> LocalSiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
