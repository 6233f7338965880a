"""`show FILE --debug-page N --png OUT`: what each step of the PDF reader saw, drawn
over the page. Real PDFs built by reportlab; the pixels of each step's colour are
checked against the geometry the builder drew, not against the reader's own numbers."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.readers.pdf.debug import COLOR
from tests.kit import pdf_builders as pb

RESOLUTION = 110  # debug.draw's default
S = RESOLUTION / 72
W, H = A4


def run_debug(pdf: Path, page: int, png: Path) -> str:
    result = CliRunner().invoke(app, ["show", str(pdf), "--debug-page", str(page), "--png", str(png)])
    assert result.exit_code == 0, result.output
    return result.output


def pixels(png: Path, layer: str) -> list[tuple[int, int]]:
    im = Image.open(png).convert("RGB")
    want = COLOR[layer]
    data = im.load()
    return [(x, y) for y in range(im.height) for x in range(im.width) if data[x, y] == want]


def grid_lines(spec: pb.GridSpec, left: float, top: float) -> tuple[list[float], list[float]]:
    """The x of every column border and the y of every row border table_pdf draws."""
    xs, ys = [left], [top]
    for w in spec.col_widths:
        xs.append(xs[-1] + w)
    for h in spec.row_heights:
        ys.append(ys[-1] + h)
    return xs, ys


def test_ruled_table_cells_and_edges_drawn_on_the_printed_borders(tmp_path: Path) -> None:
    spec = pb.t3_spec()
    pdf = tmp_path / "ruled.pdf"
    pdf.write_bytes(pb.table_pdf(spec))
    png = tmp_path / "page1.png"
    out = run_debug(pdf, 1, png)
    assert "table page" in out and "cells" in out
    xs, ys = grid_lines(spec, (W - sum(spec.col_widths)) / 2, 90)
    pad = 4  # outline width (3 px) plus rounding
    for layer in ("cells", "edges"):
        found = pixels(png, layer)
        assert len(found) > 500, layer
        # every pixel of the layer lies on a border the builder drew
        off = [(x, y) for x, y in found
               if not (any(abs(x - bx * S) <= pad for bx in xs) or any(abs(y - by * S) <= pad for by in ys))]
        assert not off, (layer, off[:5])
    # and every row border of the table was drawn as a cell outline
    green = pixels(png, "cells")
    for by in ys:
        assert sum(1 for _x, y in green if abs(y - by * S) <= pad) > 50, by
    assert not pixels(png, "grid")  # ruled: no grid from word positions


def test_unruled_table_grid_lines_fall_between_the_value_columns(tmp_path: Path) -> None:
    spec = pb.t3_spec()
    pdf = tmp_path / "unruled.pdf"
    pdf.write_bytes(pb.table_pdf(spec, ruled=False))
    png = tmp_path / "page1.png"
    run_debug(pdf, 1, png)
    xs, ys = grid_lines(spec, (W - sum(spec.col_widths)) / 2, 90)
    cyan = pixels(png, "grid")
    assert cyan
    # Vertical grid lines: image columns with cyan down most of the table's height.
    height = (ys[-1] - ys[0]) * S
    per_x: dict[int, int] = {}
    for x, _y in cyan:
        per_x[x] = per_x.get(x, 0) + 1
    verticals = sorted(x for x, n in per_x.items() if n >= 0.7 * height)
    # The value columns (the last seven) are centred numbers: exactly one grid line
    # lies between the centres of each two neighbours, none through a centre.
    centres = [(xs[c] + xs[c + 1]) / 2 * S for c in range(len(xs) - 8, len(xs) - 1)]
    for a, b in zip(centres, centres[1:], strict=False):
        between = {x for x in verticals if a < x < b}
        assert between and max(between) - min(between) <= 2, (a, b, between)
    assert all(min(abs(x - c) for c in centres) > 5 for x in verticals)
    assert not pixels(png, "edges")  # no ruling lines on this page


def test_page_number_drawn_as_dropped_and_left_out_of_the_reading_order(tmp_path: Path) -> None:
    pdf = tmp_path / "narrative.pdf"
    pdf.write_bytes(pb.narrative_pdf())
    png = tmp_path / "page1.png"
    out = run_debug(pdf, 1, png)
    assert "text page" in out
    red = pixels(png, "dropped")
    assert len(red) > 40
    # "- 1 -" is printed at x = W/2 - 15, its top 60 pt above the foot (10 pt type)
    x0, x1, top, bottom = (W / 2 - 15) * S, (W / 2 + 15) * S, (H - 60) * S, (H - 48) * S
    assert all(x0 - 6 <= x <= x1 + 6 and top - 6 <= y <= bottom + 6 for x, y in red)
    # the reading-order labels are all above the foot of the page
    # (the labels' text is anti-aliased: any clearly blue pixel; no ruling edges here)
    im = Image.open(png).convert("RGB")
    data = im.load()
    blue = [(x, y) for y in range(im.height) for x in range(im.width)
            if data[x, y][2] - max(data[x, y][:2]) > 60]
    assert blue and max(y for _x, y in blue) < top - 10


def test_debug_page_needs_a_pdf_and_an_existing_page(tmp_path: Path) -> None:
    txt = tmp_path / "report.txt"
    txt.write_text("一、总体情况\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["show", str(txt), "--debug-page", "1", "--png", str(tmp_path / "x.png")])
    assert r.exit_code == 1 and "needs a PDF" in r.output
    pdf = tmp_path / "ruled.pdf"
    pdf.write_bytes(pb.table_pdf(pb.t3_spec()))
    r = CliRunner().invoke(app, ["show", str(pdf), "--debug-page", "3", "--png", str(tmp_path / "x.png")])
    assert r.exit_code == 1 and "no page 3" in r.output and not (tmp_path / "x.png").exists()
