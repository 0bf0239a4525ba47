"""Charts as inline SVG drawn on the server by pygal (LGPL-3.0): no script, no network at run time.

Labels and titles from documents are XML-escaped by pygal's serialiser; its tooltip script (loaded
from a CDN by default) is switched off.

Example:
    >>> svg = bar_chart("每年引用 Citations per year", ["2019", "2026"], [3, 5], "引用 citations")
    >>> svg.startswith("<svg") and "kozea.github.io" not in svg and "<script" not in svg
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup

_STYLE = None
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _style() -> object:
    global _STYLE
    if _STYLE is None:
        from pygal.style import Style

        _STYLE = Style(
            background="white", plot_background="white", foreground="#333", foreground_strong="#111",
            foreground_subtle="#888", colors=("#2a6bb3", "#d9822b", "#3a9a5b"), font_family="sans-serif",
        )  # fmt: skip
    return _STYLE


def _config(title: str) -> dict[str, object]:
    return {
        "title": title,
        "style": _style(),
        "js": [],
        "disable_xml_declaration": True,
        "show_legend": False,
        "width": 640,
        "height": 300,
        "explicit_size": False,
        "print_values": True,
        "truncate_label": 14,
        "value_formatter": lambda v: f"{v:,.0f}",
    }


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | int | None], series: str) -> Markup:
    """A bar chart (one bar per label) as an ``<svg>`` element."""
    import pygal

    chart = pygal.Bar(**_config(title), x_labels=list(labels))
    chart.add(series, list(values))
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))  # pygal's config for its tooltip script: unused
    return Markup(svg)


def money_chart(title: str, labels: Sequence[str], yuan: Sequence[Decimal | None], series: str) -> Markup:
    """A bar chart of amounts in 万元 (exact amounts are in the table beside it)."""
    values = [None if y is None else float(y / 10000) for y in yuan]
    return bar_chart(title, labels, values, series)
