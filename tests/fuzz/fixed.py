"""Deterministic values for the regression cases: the same printed rules as the strategy
(table 三 adds up per column, 总计 columns and rows are sums), no randomness."""

from __future__ import annotations

from decimal import Decimal

from tests.fuzz.truth import keys, money_keys

T3_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org")


def fixed_values(template: str, salt: int = 0) -> dict[str, int | Decimal]:
    """Every cell non-zero where the template allows it, so no value can pass by being 0."""
    values: dict[str, int | Decimal] = {}
    all_keys = keys(template)
    for i, key in enumerate(all_keys):
        if key.startswith("t2."):
            if key in money_keys(template):
                values[key] = Decimal("1234.5") + salt
            elif key.endswith(".change"):
                values[key] = -(i % 5) - 1
            else:
                values[key] = 3 + (i * 7 + salt) % 40
    rows = [k[3:].rsplit(".", 1)[0] for k in all_keys if k.startswith("t3.") and k.endswith(".natural_person")]
    results = [r for r in rows if r not in ("new_received", "carried_over", "carried_forward", "total")]
    for c, col in enumerate(T3_COLS):
        leaf = {r: 1 + (n * 3 + c + salt) % 11 for n, r in enumerate(results)}
        total = sum(leaf.values())
        forward, over = 2 + c, 4 + c
        cells = {**leaf, "total": total, "carried_forward": forward, "carried_over": over,
                 "new_received": total + forward - over}
        values.update({f"t3.{r}.{col}": v for r, v in cells.items()})
    for r in rows:
        values[f"t3.{r}.total"] = sum(values[f"t3.{r}.{c}"] for c in T3_COLS)
    for g, group in enumerate(("reconsideration", "litigation_direct", "litigation_after_reconsideration")):
        parts = {c: 1 + g + n for n, c in enumerate(("upheld", "corrected", "other", "pending"))}
        values.update({f"t4.{group}.{c}": v for c, v in parts.items()})
        values[f"t4.{group}.total"] = sum(parts.values())
    return values
