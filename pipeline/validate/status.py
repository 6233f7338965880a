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


def restate_sql(reports: str) -> str:
    """An UPDATE restating, as status_and_reason does, the status and reason of the reports
    (not rejected) whose report_id the SELECT `reports` gives, from all their findings:
    extraction's first, then the cross-year ones, each in seq order. The loader restates a
    whole load's reports in one statement; tests/validate/test_crossyear_sql.py holds it to
    status_and_reason."""
    return f"""
    UPDATE reports SET status = n.status, reason = n.reason FROM (
        WITH f AS (
            SELECT report_id, severity, message,
                   row_number() OVER (PARTITION BY report_id, severity ORDER BY origin = 'crossyear', seq) AS rn,
                   count(*) OVER (PARTITION BY report_id, severity) AS hits
            FROM findings WHERE severity IN ('error', 'warning') AND report_id IN ({reports})),
        first AS (SELECT * FROM f WHERE rn = 1)
        SELECT r.report_id,
               CASE WHEN e.report_id IS NOT NULL THEN 'review'
                    WHEN w.report_id IS NOT NULL THEN 'warnings' ELSE 'ok' END AS status,
               CASE WHEN e.report_id IS NOT NULL THEN e.message || {_more("e")}
                    WHEN w.report_id IS NOT NULL THEN w.message || {_more("w")} END AS reason
        FROM reports r
        LEFT JOIN first e ON e.report_id = r.report_id AND e.severity = 'error'
        LEFT JOIN first w ON w.report_id = r.report_id AND w.severity = 'warning'
        WHERE r.status <> 'rejected' AND r.report_id IN ({reports})
    ) n
    WHERE reports.report_id = n.report_id
      AND (reports.status <> n.status OR reports.reason IS DISTINCT FROM n.reason)"""


def _more(f: str) -> str:
    return f"CASE WHEN {f}.hits > 1 THEN ' (+' || CAST({f}.hits - 1 AS VARCHAR) || ' more)' ELSE '' END"
