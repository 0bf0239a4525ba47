"""Safe by default: response headers that keep document text inert, query strings without control characters.

Example:
    >>> clean_query("  科技馆\\x00大修 ")
    '科技馆大修'
    >>> len(clean_query("字" * 5000))
    5000
"""

from __future__ import annotations

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""No page runs a script or embeds an object (none has any: pages are HTML and CSS, charts SVG drawn on
the server); pygal's SVG charts carry inline ``<style>``."""
SOURCE_CSP = CSP.replace("object-src 'none'", "object-src 'self'")
"""A stored PDF sent to the browser's own viewer (``/source``): a viewer that is a plugin loads the file
as an object (Chrome's did), so objects of the page's own origin are allowed there; nothing else differs."""

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def clean_query(value: str | None) -> str:
    """A query parameter stripped of control characters and surrounding space (its length is checked
    by the caller: :func:`~budgetscope.api.searching.query_too_long`, never cut)."""
    if not value:
        return ""
    return "".join(ch for ch in value if ch.isprintable() or ch == " ").strip()


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds :data:`HEADERS` to every response."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        return response
