"""A report's status and one-line reason, from its findings: computed here only.

Extraction uses it for a record, and the loader again after the cross-year rules add
findings, so both say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.record import Finding


def status_and_reason(findings: Iterable[Finding]) -> tuple[str, str | None]:
    """`review` on any error, `warnings` on any warning, else `ok`; the reason is the first
    finding of the deciding severity, with how many more there are."""
    findings = list(findings)
    for sev, status in (("error", "review"), ("warning", "warnings")):
        hits = [f for f in findings if f.severity == sev]
        if hits:
            more = f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""
            return status, hits[0].message + more
    return "ok", None
