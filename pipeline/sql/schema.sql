-- gongkai database schema. Keys (table_id, row_key, col_key) are the canonical keys of
-- pipeline/data/items.csv, kept verbatim so any tool can query across agencies, years
-- and template versions. Idempotent: safe to run on an existing database.

CREATE TABLE IF NOT EXISTS reports (
    report_id      VARCHAR PRIMARY KEY,   -- sha256 of the file as published
    sha256         VARCHAR NOT NULL,
    source_path    VARCHAR NOT NULL,
    file_type      VARCHAR,               -- docx, doc, txt, html, pdf (by content)
    title          VARCHAR,
    agency         VARCHAR,
    agency_source  VARCHAR,               -- title, signature, html_title
    year           INTEGER,               -- the year reported on, not the publication year
    published_on   DATE,
    period_start   DATE,
    period_end     DATE,
    format_version VARCHAR,               -- '2019' or '2021' template
    format_basis   VARCHAR,               -- how the format was decided
    scope          VARCHAR,               -- agency (本机关) or aggregate (全市/全区…)
    status         VARCHAR NOT NULL,      -- ok, warnings, review, rejected
    reason         VARCHAR,               -- one line: why rejected / why review
    pages          INTEGER,
    ocr            BOOLEAN,
    version        INTEGER,               -- 1, 2, … per (agency, year) in load order
    is_current     BOOLEAN,               -- the newest version for (agency, year)
    extracted_at   TIMESTAMP,
    loaded_at      TIMESTAMP NOT NULL,
    extractor      VARCHAR,
    metadata       JSON
);

CREATE TABLE IF NOT EXISTS facts (
    report_id      VARCHAR NOT NULL,
    table_id       VARCHAR NOT NULL,      -- t2, t3, t4
    row_key        VARCHAR NOT NULL,
    col_key        VARCHAR NOT NULL,
    value          DECIMAL(38, 10),       -- every printed number exactly, counts and money (万元); NULL only when unreadable
    amount         DECIMAL(38, 10),       -- money in 万元 (= value), every printed digit; NULL for counts
    value_kind     VARCHAR NOT NULL,      -- number, blank (→0), dash (—, /, 无 → 0), text (unreadable)
    printed_text   VARCHAR NOT NULL,      -- the cell as printed
    unit           VARCHAR,
    page           INTEGER,               -- 1-based, paged formats only
    table_index    INTEGER,               -- 0-based table in the document
    row_index      INTEGER,               -- 0-based row in that printed table
    col_index      INTEGER,               -- 0-based column in that printed table
    bbox           DOUBLE[],              -- x0, top, x1, bottom (PDF points)
    ocr_confidence DOUBLE,                -- 0..100 when read by OCR
    derived        BOOLEAN NOT NULL DEFAULT false
    -- One row per (report_id, table_id, row_key, col_key): the loader checks each record.
    -- No PRIMARY KEY here: DuckDB builds such an index in memory for the whole load, so a
    -- load's memory would grow with its size (databases made before keep theirs).
);

CREATE TABLE IF NOT EXISTS derived_facts (
    -- values a report did not print but that follow from its own numbers (a 总计 column
    -- left blank: the sum of its parts). Never written over the printed facts.
    report_id      VARCHAR NOT NULL,
    table_id       VARCHAR NOT NULL,
    row_key        VARCHAR NOT NULL,
    col_key        VARCHAR NOT NULL,
    value          DECIMAL(38, 10),       -- as facts.value: counts and money alike
    amount         DECIMAL(38, 10),
    rule_id        VARCHAR,
    PRIMARY KEY (report_id, table_id, row_key, col_key)
);

CREATE TABLE IF NOT EXISTS sections (
    report_id      VARCHAR NOT NULL,
    number         INTEGER NOT NULL,      -- 1..6 (一 … 六)
    heading        VARCHAR,
    text           VARCHAR,
    page           INTEGER,
    PRIMARY KEY (report_id, number)
);

CREATE TABLE IF NOT EXISTS findings (
    report_id      VARCHAR NOT NULL,
    rule_id        VARCHAR NOT NULL,
    severity       VARCHAR NOT NULL,      -- error, warning, info
    message        VARCHAR NOT NULL,      -- English
    message_zh     VARCHAR,
    cells          VARCHAR[],             -- fact keys, e.g. t3.total.total
    expected       VARCHAR,
    printed        VARCHAR,
    origin         VARCHAR NOT NULL,      -- extract (one report) or crossyear (a series)
    seq            INTEGER                -- order within the report's findings of that origin
);
-- Databases made before seq existed get it (NULL for their rows, which sort last).
ALTER TABLE findings ADD COLUMN IF NOT EXISTS seq INTEGER;

-- Databases made before issue 9 items 4/5: money kept 4 decimals and value was NULL for
-- money. The columns widen (no digit lost: every old value fits) and value is filled in.
ALTER TABLE facts ALTER COLUMN value TYPE DECIMAL(38, 10);
ALTER TABLE facts ALTER COLUMN amount TYPE DECIMAL(38, 10);
ALTER TABLE derived_facts ALTER COLUMN value TYPE DECIMAL(38, 10);
ALTER TABLE derived_facts ALTER COLUMN amount TYPE DECIMAL(38, 10);
UPDATE facts SET value = amount WHERE value IS NULL AND amount IS NOT NULL;
UPDATE derived_facts SET value = amount WHERE value IS NULL AND amount IS NOT NULL;

-- Every path a report (one file content) was seen at: the same attachment is often
-- published at several URLs, and ingested again from another folder or machine.
-- reports.source_path is the path of the latest ingest.
CREATE TABLE IF NOT EXISTS report_paths (
    report_id      VARCHAR NOT NULL,
    path           VARCHAR NOT NULL,
    first_seen     TIMESTAMP NOT NULL,
    last_seen      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS loads (
    load_id        VARCHAR PRIMARY KEY,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    records        INTEGER,
    inserted       INTEGER,
    replaced       INTEGER,
    unchanged      INTEGER
);
