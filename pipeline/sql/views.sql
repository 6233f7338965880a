-- Views over the gongkai database. Applied by writers (ingest, load) when the code's
-- schema or views changed (pipeline.db.sql_version); readers never run DDL.

-- The report that counts for each agency and year: the newest version, not rejected.
CREATE OR REPLACE VIEW current_reports AS
SELECT * FROM reports WHERE is_current AND status <> 'rejected';

-- Every fact of current reports with its agency and year; `number` is the value as an
-- exact DECIMAL whether the cell is a count or money.
CREATE OR REPLACE VIEW current_facts AS
SELECT r.agency, r.year, r.format_version, r.scope, r.status AS report_status,
       f.*, f.value AS number
FROM current_reports r JOIN facts f USING (report_id);

-- Printed facts plus the values a report left blank but that follow from its parts
-- (e.g. a 总计 column printed blank); `derived` says which is which.
CREATE OR REPLACE VIEW facts_with_derived AS
SELECT report_id, table_id, row_key, col_key, value, amount, value_kind, false AS derived_from_parts
FROM facts
WHERE NOT EXISTS (SELECT 1 FROM derived_facts d
                  WHERE d.report_id = facts.report_id AND d.table_id = facts.table_id
                    AND d.row_key = facts.row_key AND d.col_key = facts.col_key)
UNION ALL
SELECT report_id, table_id, row_key, col_key, value, amount, 'derived' AS value_kind, true AS derived_from_parts
FROM derived_facts;

-- One row per current report with the headline numbers, for comparisons across
-- agencies and years. 2019 and 2021 templates share these keys.
CREATE OR REPLACE VIEW report_summary AS
SELECT r.agency, r.year, r.scope, r.format_version, r.status, r.report_id,
       max(f.value) FILTER (WHERE f.table_id = 't3' AND f.row_key = 'new_received' AND f.col_key = 'total')::BIGINT AS new_requests,
       max(f.value) FILTER (WHERE f.table_id = 't3' AND f.row_key = 'carried_over' AND f.col_key = 'total')::BIGINT AS carried_over,
       max(f.value) FILTER (WHERE f.table_id = 't3' AND f.row_key = 'granted' AND f.col_key = 'total')::BIGINT AS granted,
       max(f.value) FILTER (WHERE f.table_id = 't3' AND f.row_key = 'partially_granted' AND f.col_key = 'total')::BIGINT AS partially_granted,
       max(f.value) FILTER (WHERE f.table_id = 't3' AND f.row_key = 'total' AND f.col_key = 'total')::BIGINT AS handled,
       max(f.value) FILTER (WHERE f.table_id = 't3' AND f.row_key = 'carried_forward' AND f.col_key = 'total')::BIGINT AS carried_forward,
       max(f.value) FILTER (WHERE f.table_id = 't4' AND f.row_key = 'reconsideration' AND f.col_key = 'total')::BIGINT AS reconsiderations,
       max(f.value) FILTER (WHERE f.table_id = 't4' AND f.row_key = 'reconsideration' AND f.col_key = 'corrected')::BIGINT AS reconsiderations_corrected,
       sum(f.value) FILTER (WHERE f.table_id = 't4' AND f.row_key IN ('litigation_direct', 'litigation_after_reconsideration') AND f.col_key = 'total')::BIGINT AS lawsuits
FROM current_reports r LEFT JOIN facts f USING (report_id)
GROUP BY ALL;

-- Agency × year: which years each agency has a report for, and which are missing
-- between its first year and the newest year in the database ("who has not published").
CREATE OR REPLACE VIEW missing_reports AS
WITH span AS (
    SELECT agency, min(year) AS first_year, (SELECT max(year) FROM current_reports) AS last_year
    FROM current_reports GROUP BY agency
), expected AS (
    SELECT agency, unnest(range(first_year, last_year + 1)) AS year FROM span
)
SELECT e.agency, e.year
FROM expected e
LEFT JOIN current_reports r ON r.agency = e.agency AND r.year = e.year
WHERE r.report_id IS NULL
ORDER BY e.agency, e.year;

-- Quality: findings of current and rejected reports with agency and year.
CREATE OR REPLACE VIEW quality AS
SELECT r.agency, r.year, r.source_path, r.status, f.rule_id, f.severity, f.message, f.message_zh,
       f.cells, f.expected, f.printed, f.origin, r.report_id
FROM reports r JOIN findings f USING (report_id)
WHERE r.is_current OR r.status = 'rejected';

-- Rejected files and why.
CREATE OR REPLACE VIEW rejected_files AS
SELECT source_path, reason, loaded_at, report_id FROM reports WHERE status = 'rejected';
