"""How one value is printed, and what reading it back must give."""

from __future__ import annotations

from decimal import Decimal

from tests.fuzz.truth import Report, keys, money_keys

_FULLWIDTH = str.maketrans("0123456789.-,", "０１２３４５６７８９．－，")


def printed(rep: Report, key: str) -> str:
    """The text of the cell `key` as the layout prints it."""
    lay = rep.layout
    value = rep.values[key]
    if value == 0:
        style = lay.zero_styles[keys(rep.template).index(key) % len(lay.zero_styles)]
        return {"0": "0", "blank": ""}.get(style, style)
    if key in money_keys(rep.template):
        amount = Decimal(value)
        text = f"{amount.scaleb(4) if lay.money_unit == '元' else amount:f}"
    else:
        text = str(value)
    if lay.number_style == "padded":
        return f" {text}\u3000"
    if lay.number_style == "grouped":
        whole, dot, frac = text.partition(".")
        return f"{int(whole):,}{dot}{frac}"
    if lay.number_style == "fullwidth":
        return text.translate(_FULLWIDTH)
    return text


def expected_kind(rep: Report, key: str) -> str:
    text = printed(rep, key).strip()
    if text == "":
        return "blank"
    if rep.values[key] == 0 and not text[0].isdigit() and text not in ("０",):
        return "dash"
    return "number"
