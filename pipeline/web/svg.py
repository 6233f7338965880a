"""Indicator charts drawn on the server as inline SVG: no JavaScript, no CDN, and a chart is
readable by a screen reader and printable like the rest of the page.

Every text that reaches the SVG goes through markupsafe.escape (an agency name comes from a
report, which is untrusted input).
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

W, H = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 26, 16, 26  # room for the value labels of the end points


def _num(v: object) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if f != f else f  # NaN (pandas' missing) is no value


def _label(v: float, share: bool) -> str:
    if share:
        return f"{v * 100:.1f}%"
    return f"{int(v):,}" if float(v).is_integer() else f"{Decimal(str(v)).normalize()}"


def line_chart(title: str, years: list[int], values: list[object], share: bool = False) -> Markup:
    """A line per consecutive run of years with a value (a missing year breaks the line)."""
    pts = [(y, _num(v)) for y, v in zip(years, values, strict=True)]
    known = [v for _, v in pts if v is not None]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {W} {H}" '
             f'width="{W}" height="{H}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    if not years or not known:
        parts.append(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle" class="none">—</text></svg>')
        return Markup("".join(parts))
    lo, hi = min(0.0, min(known)), max(known)
    hi = hi if hi > lo else lo + 1
    y0, y1 = min(years), max(years)
    span = max(1, y1 - y0)

    def x(year: int) -> float:
        return LEFT + (W - LEFT - RIGHT) * ((year - y0) / span if y1 > y0 else 0.5)

    def y(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - (v - lo) / (hi - lo))

    parts.append(f'<line class="axis" x1="{LEFT}" y1="{y(lo):.1f}" x2="{W - RIGHT}" y2="{y(lo):.1f}"/>')
    parts.append(f'<text class="tick" x="{LEFT - 4}" y="{y(lo) + 4:.1f}" text-anchor="end">'
                 f"{escape(_label(lo, share))}</text>")
    for yr in range(y0, y1 + 1):
        parts.append(f'<text class="tick" x="{x(yr):.1f}" y="{H - 8}" text-anchor="middle">{yr}</text>')
    run: list[str] = []
    by_year = dict(pts)
    for yr in range(y0, y1 + 1):
        v = by_year.get(yr)
        if v is None:
            if len(run) > 1:
                parts.append(f'<polyline class="line" points="{" ".join(run)}"/>')
            run = []
            continue
        run.append(f"{x(yr):.1f},{y(v):.1f}")
        parts.append(f'<circle class="dot" cx="{x(yr):.1f}" cy="{y(v):.1f}" r="3">'
                     f"<title>{yr}: {escape(_label(v, share))}</title></circle>")
        parts.append(f'<text class="val" x="{x(yr):.1f}" y="{y(v) - 6:.1f}" text-anchor="middle">'
                     f"{escape(_label(v, share))}</text>")
    if len(run) > 1:
        parts.append(f'<polyline class="line" points="{" ".join(run)}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
