-- Comparison layer: agencies and regions, harmonised facts, indicators, coverage.
-- Applied after schema.sql and views.sql on every writing connect (idempotent).

-- One row per agency: the series a report joins. agency_id is a hash of the normalised
-- name (or of the alias target's), so it is stable across databases and runs.
CREATE TABLE IF NOT EXISTS agencies (
    agency_id      VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,      -- canonical: alias target, else the newest name used
    names          VARCHAR[] NOT NULL,    -- every name seen on a report (and alias names)
    agency_type    VARCHAR,               -- 人民政府, 办公室, 局, 委员会, 街道办事处, 乡镇, 管委会…
    level          VARCHAR,               -- finest region level known: province/city/county/township
    region         VARCHAR,               -- province+city+county+township as one name
    province       VARCHAR, province_code VARCHAR,
    city           VARCHAR, city_code     VARCHAR,   -- empty under 直辖市
    county         VARCHAR, county_code   VARCHAR,   -- 区/县/县级市, 开发区 (code NULL if not in the table)
    township       VARCHAR,                          -- 乡/镇/街道 (the division table has no codes for them)
    region_code    VARCHAR                -- code of the finest coded level
);

-- Every agency name printed on a report (and every alias name) → its agency.
CREATE TABLE IF NOT EXISTS agency_names (
    name           VARCHAR PRIMARY KEY,
    agency_id      VARCHAR NOT NULL,
    via            VARCHAR NOT NULL,      -- name (normalised spelling), rename or merge (alias file)
    since          INTEGER,               -- alias: first year of the new name
    note           VARCHAR
);

-- Headline numbers per report (every loaded report, current or not), computed at load
-- from report_indicators_live below so that queries over millions of facts stay fast.
CREATE TABLE IF NOT EXISTS report_indicators (
    report_id          VARCHAR PRIMARY KEY,
    new_requests       BIGINT,
    carried_over       BIGINT,
    handled            BIGINT,
    granted            BIGINT,
    partially_granted  BIGINT,
    denied             BIGINT,
    unavailable        BIGINT,
    not_processed      BIGINT,
    other_handling     BIGINT,
    carried_forward    BIGINT,
    reconsiderations   BIGINT,
    reconsiderations_corrected BIGINT,
    lawsuits           BIGINT,
    lawsuits_corrected BIGINT
);

-- Current reports with their agency and region: the spine of every comparison.
CREATE OR REPLACE VIEW report_agency AS
SELECT a.agency_id, a.name AS agency, r.agency AS agency_printed, a.agency_type, a.level, a.region,
       a.province, a.province_code, a.city, a.city_code, a.county, a.county_code, a.township,
       a.region_code, r.year, r.format_version AS template, r.scope, r.status, r.report_id,
       r.source_path, r.published_on
FROM current_reports r
JOIN agency_names n ON n.name = r.agency
JOIN agencies a ON a.agency_id = n.agency_id;

-- Every fact of current reports with agency and region. `number` is exact (DECIMAL) for
-- counts and money alike and takes a value derived from the report's own parts when the
-- cell was printed blank (derived_from_parts says so); value/amount are as printed.
CREATE OR REPLACE VIEW facts_current AS
SELECT ra.agency_id, ra.agency, ra.agency_printed, ra.agency_type, ra.level, ra.region,
       ra.province, ra.province_code, ra.city, ra.city_code, ra.county, ra.county_code, ra.township,
       ra.region_code, ra.year, ra.template, ra.scope, ra.status AS report_status, f.report_id,
       f.table_id, f.row_key, f.col_key, f.table_id || '.' || f.row_key || '.' || f.col_key AS key,
       f.value, f.amount, f.value_kind, f.printed_text, f.unit,
       coalesce(d.value, f.value) AS number,
       d.report_id IS NOT NULL AS derived_from_parts
FROM report_agency ra
JOIN facts f ON f.report_id = ra.report_id
LEFT JOIN derived_facts d ON d.report_id = f.report_id AND d.table_id = f.table_id
                         AND d.row_key = f.row_key AND d.col_key = f.col_key;

-- t3 and t4 on one footing for both templates: the 2021 template splits (六)其他处理 into
-- three rows (other.*), the 2019 one prints their sum as `other`; here both are `other`,
-- so a series runs across 2020 → 2021 without a gap. t2 is left out: its cells are
-- different quantities in the two templates.
CREATE OR REPLACE VIEW facts_harmonised AS
SELECT agency_id, agency, region, province, city, county, township, region_code, year, template,
       scope, report_id, table_id,
       CASE WHEN table_id = 't3' AND row_key LIKE 'other.%' THEN 'other' ELSE row_key END AS row_key,
       col_key, sum(number) AS number
FROM facts_current
WHERE table_id IN ('t3', 't4')
GROUP BY ALL;

-- Per report, from the printed facts (and derived values): the formulas of the indicators.
CREATE OR REPLACE VIEW report_indicators_live AS
WITH f AS (
    SELECT f.report_id,
           CASE WHEN f.table_id = 't3' AND f.row_key LIKE 'other.%' THEN 'other' ELSE f.row_key END AS row_key,
           f.table_id, f.col_key, coalesce(d.value, f.value) AS value
    FROM facts f
    LEFT JOIN derived_facts d ON d.report_id = f.report_id AND d.table_id = f.table_id
                             AND d.row_key = f.row_key AND d.col_key = f.col_key
    WHERE f.table_id IN ('t3', 't4') AND f.col_key IN ('total', 'corrected')
)
SELECT report_id,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key = 'new_received')::BIGINT AS new_requests,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key = 'carried_over')::BIGINT AS carried_over,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key = 'total')::BIGINT AS handled,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key = 'granted')::BIGINT AS granted,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key = 'partially_granted')::BIGINT AS partially_granted,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key LIKE 'denied.%')::BIGINT AS denied,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key LIKE 'unavailable.%')::BIGINT AS unavailable,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key LIKE 'not_processed.%')::BIGINT AS not_processed,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key = 'other')::BIGINT AS other_handling,
       sum(value) FILTER (WHERE table_id = 't3' AND col_key = 'total' AND row_key = 'carried_forward')::BIGINT AS carried_forward,
       sum(value) FILTER (WHERE table_id = 't4' AND col_key = 'total' AND row_key = 'reconsideration')::BIGINT AS reconsiderations,
       sum(value) FILTER (WHERE table_id = 't4' AND col_key = 'corrected' AND row_key = 'reconsideration')::BIGINT AS reconsiderations_corrected,
       sum(value) FILTER (WHERE table_id = 't4' AND col_key = 'total' AND row_key LIKE 'litigation_%')::BIGINT AS lawsuits,
       sum(value) FILTER (WHERE table_id = 't4' AND col_key = 'corrected' AND row_key LIKE 'litigation_%')::BIGINT AS lawsuits_corrected
FROM f
GROUP BY report_id;

-- Indicators per agency and year (current reports; the reports of agencies merged by an
-- alias add up). Shares are exact to 4 decimals; NULL when the denominator is 0.
CREATE OR REPLACE VIEW indicators AS
SELECT ra.agency_id, any_value(ra.agency) AS agency, any_value(ra.agency_type) AS agency_type,
       any_value(ra.level) AS level, any_value(ra.region) AS region,
       any_value(ra.province) AS province, any_value(ra.province_code) AS province_code,
       any_value(ra.city) AS city, any_value(ra.city_code) AS city_code,
       any_value(ra.county) AS county, any_value(ra.county_code) AS county_code,
       any_value(ra.township) AS township, any_value(ra.region_code) AS region_code,
       ra.year, min(ra.template) AS template, string_agg(DISTINCT ra.scope, ',') AS scope,
       count(*)::INTEGER AS reports,
       sum(i.new_requests)::BIGINT AS new_requests,
       sum(i.carried_over)::BIGINT AS carried_over,
       sum(i.handled)::BIGINT AS handled,
       sum(i.granted)::BIGINT AS granted,
       sum(i.partially_granted)::BIGINT AS partially_granted,
       round(sum(i.granted)::DECIMAL(18, 4) / nullif(sum(i.handled), 0), 4)::DECIMAL(9, 4) AS granted_share,
       sum(i.denied)::BIGINT AS denied,
       sum(i.unavailable)::BIGINT AS unavailable,
       sum(i.not_processed)::BIGINT AS not_processed,
       sum(i.other_handling)::BIGINT AS other_handling,
       sum(i.carried_forward)::BIGINT AS carried_forward,
       sum(i.reconsiderations)::BIGINT AS reconsiderations,
       round(sum(i.reconsiderations_corrected)::DECIMAL(18, 4) / nullif(sum(i.reconsiderations), 0), 4)::DECIMAL(9, 4)
           AS corrected_share,
       sum(i.lawsuits)::BIGINT AS lawsuits
FROM report_agency ra
LEFT JOIN report_indicators i ON i.report_id = ra.report_id
GROUP BY ra.agency_id, ra.year;

-- Agency × year over every agency known and every year from the first to the last in the
-- database: published (with the report) or missing. `gongkai coverage` asks for other
-- years or a register of expected agencies.
CREATE OR REPLACE VIEW coverage AS
WITH years AS (
    SELECT unnest(range(min(year), max(year) + 1)) AS year FROM report_agency
), pub AS (
    SELECT agency_id, year, count(*) AS reports, min(status) AS status FROM report_agency GROUP BY ALL
)
SELECT a.agency_id, a.name AS agency, a.region, a.level, y.year,
       p.agency_id IS NOT NULL AS published, coalesce(p.reports, 0)::INTEGER AS reports
FROM agencies a CROSS JOIN years y
LEFT JOIN pub p ON p.agency_id = a.agency_id AND p.year = y.year;
