-- Crawl tables (issue 11). Applied with the rest of the schema on every crawl; idempotent.

CREATE TABLE IF NOT EXISTS crawl_fetches (
    -- one row per fetch, every run: what was asked, what came back, what became of it
    run_id         VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,      -- the [[sources]] name
    url            VARCHAR NOT NULL,      -- as linked (or the start URL)
    final_url      VARCHAR,               -- after redirects
    referrer       VARCHAR,               -- the page that linked to it
    kind           VARCHAR NOT NULL,      -- listing, report_page, attachment, link (refused, not fetched)
    fetched_at     TIMESTAMP NOT NULL,
    status         INTEGER,               -- HTTP status; 304 when revalidated from the cache
    etag           VARCHAR,
    last_modified  VARCHAR,
    content_type   VARCHAR,
    size           BIGINT,
    sha256         VARCHAR,               -- of the body, = reports.report_id when it loaded
    path           VARCHAR,               -- where the body is stored under raw/
    outcome        VARCHAR NOT NULL,      -- new, changed, unchanged, listing, offsite, robots, too_large, failed
    reason         VARCHAR                -- one line when refused or failed
);

-- The URL(s) each loaded report came from.
CREATE OR REPLACE VIEW report_urls AS
SELECT r.report_id, r.agency, r.year, r.version, f.source, f.url, f.final_url, f.referrer,
       min(f.fetched_at) AS first_fetched, max(f.fetched_at) AS last_fetched
FROM reports r JOIN crawl_fetches f ON f.sha256 = r.report_id
GROUP BY ALL;
