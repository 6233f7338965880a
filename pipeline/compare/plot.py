"""--plot: a trend as lines over the years, a comparison as ranked bars (PNG or SVG).

Agency names are Chinese, so a font with CJK glyphs is required: the first installed font
whose name is one of the known CJK families (fonts-wqy-zenhei, which `make setup`
installs, or Noto CJK…); without one the plot is refused with a clear message rather than
drawn as empty boxes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.compare.queries import QueryError

CJK_FAMILIES = ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC",
                "Source Han Sans SC", "Source Han Sans CN", "SimHei", "Microsoft YaHei", "PingFang SC",
                "AR PL UMing CN", "Droid Sans Fallback")
PLOT_SUFFIXES = (".png", ".svg")


def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for fam in CJK_FAMILIES:
        if fam in installed:
            return fam
    return None


def _setup(out: Path):  # type: ignore[no-untyped-def]
    if out.suffix.lower() not in PLOT_SUFFIXES:
        raise QueryError(f"--plot writes .png or .svg, not {out.suffix or out.name!r}")
    font = cjk_font()
    if font is None:
        raise QueryError("no CJK font found for the plot: install one (apt-get install fonts-wqy-zenhei, "
                         "as `make setup` does) and run again")
    import logging

    import matplotlib

    # The WenQuanYi face declares an unusual weight; matplotlib says so on every text.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = [font]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "none"
    return plt


def plot_trend(df: pd.DataFrame, metrics: list[str], title: str, out: Path) -> None:
    plt = _setup(out)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    try:
        for m in metrics:
            ax.plot(df["year"], df[m].astype("Float64").to_numpy(dtype=float, na_value=float("nan")),
                    marker="o", label=m)
        ax.set_title(title)
        ax.set_xlabel("年度 year")
        ax.set_xticks(list(df["year"]))
        ax.legend()
        ax.grid(alpha=0.3)
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out)
    finally:
        plt.close(fig)


def plot_compare(df: pd.DataFrame, metric: str, title: str, out: Path) -> None:
    plt = _setup(out)
    labels = [f"{a} {y}" if df["year"].nunique() > 1 else str(a) for a, y in zip(df["agency"], df["year"], strict=True)]
    values = df[metric].astype("Float64").to_numpy(dtype=float, na_value=0.0)
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.4 * len(df) + 1)))
    try:
        ax.barh(range(len(df)), values)
        ax.set_yticks(range(len(df)), labels)
        ax.invert_yaxis()
        ax.set_xlabel(metric)
        ax.set_title(title)
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out)
    finally:
        plt.close(fig)
