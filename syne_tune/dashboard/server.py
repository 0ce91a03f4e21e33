"""The dashboard's HTTP server (standard library only): the page, its scripts and JSON endpoints.

    GET /                                        the page (static/index.html)
    GET /static/<file>                           dashboard.js, dashboard.css
    GET /api/experiments                         experiment list (``data.experiment_list``)
    GET /api/experiments/<name>                  one experiment (``data.experiment_detail``)
    GET /api/experiments/<name>/rows?since=N     report rows from N on, and the total (live updates)
    GET /api/experiments/<name>/plot/<kind>.png  an analysis plot (``syne_tune.plots``)

Only GET and HEAD are served: nothing is ever written. A name that is a path or leads outside
the results folder is refused (400); a missing experiment is 404; one that cannot be read is
422 with the reason, and the server keeps serving the others.
"""
from __future__ import annotations

import json
import logging
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from syne_tune.dashboard import data

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
_CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                  ".css": "text/css; charset=utf-8"}
_STATIC_FILES = {path.name: path for path in STATIC.iterdir() if path.suffix in _CONTENT_TYPES}


class DashboardHandler(BaseHTTPRequestHandler):
    server_version = "syne-tune-dashboard"

    def do_GET(self):  # noqa: N802 (the standard library's name)
        parts = urlsplit(self.path)
        segments = [unquote(s) for s in parts.path.split("/") if s]
        query = parse_qs(parts.query)
        try:
            self._route(segments, query)
        except ValueError as error:  # a path for a name, a bad number
            self._send_json({"error": str(error)}, HTTPStatus.BAD_REQUEST)
        except FileNotFoundError as error:
            self._send_json({"error": str(error)}, HTTPStatus.NOT_FOUND)
        except data.ExperimentUnreadable as error:
            self._send_json({"error": f"The experiment cannot be read: {error}"}, HTTPStatus.UNPROCESSABLE_ENTITY)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as error:  # noqa: BLE001 - a bug on one request must not stop the server
            logger.exception("Dashboard request %s failed", self.path)
            self._send_json({"error": f"{type(error).__name__}: {error}"}, HTTPStatus.INTERNAL_SERVER_ERROR)

    def do_HEAD(self):  # noqa: N802
        self.do_GET()

    def _route(self, segments: list[str], query: dict) -> None:
        if not segments or segments == ["index.html"]:
            return self._send_file(_STATIC_FILES["index.html"])
        if segments[0] == "static" and len(segments) == 2:
            if segments[1] not in _STATIC_FILES:
                raise FileNotFoundError(f"No static file {segments[1]!r}.")
            return self._send_file(_STATIC_FILES[segments[1]])
        if segments[:2] == ["api", "experiments"]:
            rest = segments[2:]
            if not rest:
                return self._send_json(data.experiment_list())
            if len(rest) == 1:
                return self._send_json(data.experiment_detail(rest[0]))
            if len(rest) == 2 and rest[1] == "rows":
                since = query.get("since", ["0"])[0]
                if not since.isdigit():
                    raise ValueError(f"The 'since' parameter must be a row number (0 or more). Got {since!r}.")
                return self._send_json(data.rows_since(rest[0], int(since)))
            if len(rest) == 3 and rest[1] == "plot" and rest[2].endswith(".png"):
                from syne_tune.plots import PLOTS

                data.load(rest[0])  # refuses bad names before any plotting
                if rest[2][:-4] not in PLOTS:
                    raise FileNotFoundError(f"No plot {rest[2]!r}; known: {', '.join(k + '.png' for k in PLOTS)}.")
                try:
                    png = data.plot_png(rest[0], rest[2][:-4])
                except ValueError as error:  # cannot be drawn (yet): say why
                    return self._send_json({"error": str(error)}, HTTPStatus.UNPROCESSABLE_ENTITY)
                return self._send(png, "image/png")
        raise FileNotFoundError(f"Nothing at {self.path!r}.")

    def _send_file(self, path: Path) -> None:
        self._send(path.read_bytes(), _CONTENT_TYPES[path.suffix])

    def _send_json(self, payload, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(json.dumps(payload, allow_nan=False).encode(), "application/json", status)

    def _send(self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - quiet: requests go to the debug log
        logger.debug("%s - %s", self.address_string(), format % args)


def make_server(host: str = "127.0.0.1", port: int = 8050) -> ThreadingHTTPServer:
    """A server bound to ``host:port`` (port 0: any free one; ``server.server_address`` tells which),
    serving the results folder of this process ($SYNETUNE_FOLDER or ~/syne-tune)."""
    server = ThreadingHTTPServer((host, port), DashboardHandler)
    server.daemon_threads = True
    return server


def serve(host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serves until interrupted (Ctrl-C), saying where and what."""
    from syne_tune.results_path import results_root

    server = make_server(host, port)
    bound_host, bound_port = server.server_address[:2]
    print(f"Syne Tune dashboard of {results_root()} (read-only) at http://{bound_host}:{bound_port}/")
    if host in ("127.0.0.1", "localhost", "::1"):
        print("Bound to this machine only; --host 0.0.0.0 would let other machines see your experiments.")
    else:
        print(f"Bound to {host}: other machines that reach it can read your experiments.")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
