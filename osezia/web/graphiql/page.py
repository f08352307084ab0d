"""GraphiQL, served from the package: its page at GET /graphql (a browser's request) and its
scripts and style sheets at /graphql?graphiql=<name>, so that it works without internet.

The vendored files are npm's production builds (README.md in this folder says which and how to
update them); their names carry their versions, so browsers may keep them for good. The page
has no inline script: what the server tells it (the headers to start with) is a JSON document
in the page, which page.js reads.
"""

from __future__ import annotations

import gzip
import json
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

ASSET_PARAMETER = "graphiql"
_MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_VERSIONED = (
    "react-18.2.0.min.js",
    "react-dom-18.2.0.min.js",
    "graphiql-3.8.3.min.js",
    "graphiql-3.8.3.min.css",
    "plugin-explorer-1.0.2.js",
    "plugin-explorer-1.0.2.css",
)
ASSETS = (*_VERSIONED, "page.js", "page.css")
_FOREVER = "public, max-age=31536000, immutable"

# GraphiQL styles its editors inline (emotion) and its style sheet embeds fonts as data URLs.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _read(name: str) -> bytes:
    return files("osezia.web.graphiql").joinpath(name).read_bytes()


class GraphiQLPage:
    """The page and its assets, read from the package once, each also kept gzipped (GraphiQL's
    script is 1.4 MB, 0.4 MB compressed)."""

    def __init__(self, headers: dict[str, str] | None = None) -> None:
        # `</` cannot end the JSON's script element early once escaped.
        settings = json.dumps({"headers": json.dumps(headers, indent=2) if headers else None})
        template = _read("index.html").decode()
        self._page = template.replace("{{SETTINGS}}", settings.replace("</", "<\\/"))
        self._assets = {name: _read(name) for name in ASSETS}
        self._compressed: dict[str, bytes] = {}  # on first request: most servers never need it

    @staticmethod
    def asks_for_an_asset(request: Request) -> bool:
        return request.method == "GET" and ASSET_PARAMETER in request.query_params

    def page(self) -> Response:
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
        return HTMLResponse(self._page, headers=headers)

    def asset(self, request: Request) -> Response:
        name = request.query_params[ASSET_PARAMETER]
        if name not in self._assets:  # only the files listed: never a path to follow
            return PlainTextResponse(f"GraphiQL has no asset {name!r}", status_code=404)
        headers = {
            "Cache-Control": _FOREVER if name in _VERSIONED else "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept-Encoding",
        }
        body = self._assets[name]
        if "gzip" in request.headers.get("accept-encoding", ""):
            if name not in self._compressed:
                self._compressed[name] = gzip.compress(body, 6)
            body = self._compressed[name]
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type=_MEDIA[name[name.rindex(".") :]], headers=headers)
