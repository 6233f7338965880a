"""Crawling government portals for annual reports: sources, listing pages, fetching, manifest.

`crawl_sources` fetches what the sources file names into raw/<host>/… and records every
fetch in the database's `crawl_fetches` table; `pipeline.crawl.run` adds extract and load.
"""

from pipeline.crawl.crawler import CrawlResult, crawl_sources
from pipeline.crawl.sources import Source, load_sources

__all__ = ["CrawlResult", "Source", "crawl_sources", "load_sources"]
