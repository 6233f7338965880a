"""What a fetched HTML page links to: report pages, attachments and further listing pages.

Government portals print their column as a list of titled links, cut long titles with
"..." and keep the full one in title="", and page the list either with plain links
(index_1.html, 下一页) or with TRS's script `createPageHTML(n, i, "index", "html")`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from pipeline.readers.encoding import decode_text

# A report title: a year, then 政府信息公开 … 年度报告 (or 年报). The year may print as 2023年度.
REPORT_TITLE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?.{0,40}?政府信息公开(?:工作)?(?:年度)?(?:报告|年报)")
REPORT_TITLE_YEAR_AFTER = re.compile(r"政府信息公开(?:工作)?年度报告\s*[（(]((?:19|20)\d{2})\s*年?(?:度)?[)）]")
# Not a report although the title names one: notices about it, its infographic or
# interpretation, and corrections lists; news items about publishing it.
NOT_REPORT = re.compile(r"图解|一图|解读|图说|图文|动漫|视频|H5|关于.{0,40}(?:通知|公告|通报)|的通知|公告|通报|"
                        r"报送|编制|发布会|新闻|检查|评估|考核|征集|工作要点|目录")
ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".wps", ".rtf")
# Download servlets: the file name is in the query, not the path.
SERVLET = re.compile(r"(?:down(?:load)?(?:file)?|getfile|attach\w*|fileDown\w*)\.(?:jsp|do|action|aspx?|php)$", re.I)
PAGER_TEXT = ("下一页", "下页", "尾页", "末页", "首页", "上一页", "上页", "next")
NUMBERED = re.compile(r"(?:^|/)index_\d+\.s?html?$")
CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


@dataclass
class Link:
    url: str
    title: str


@dataclass
class PageLinks:
    reports: list[Link] = field(default_factory=list)      # report pages (or files) by title
    attachments: list[Link] = field(default_factory=list)  # files to download
    pages: list[str] = field(default_factory=list)         # further listing pages
    offsite: list[str] = field(default_factory=list)       # links refused by the allowlist


def page_charset(data: bytes, content_type: str | None) -> str | None:
    """The charset the server or the page itself declares (HTTP header first)."""
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([\w-]+)", content_type, re.I)
        if m:
            return m.group(1)
    m = META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def decode_page(data: bytes, content_type: str | None) -> str:
    return decode_text(data, page_charset(data, content_type))


def report_year(title: str) -> int | None:
    """The reported year when `title` is an annual report's own title, else None."""
    t = re.sub(r"\s+", "", title)
    if NOT_REPORT.search(t):
        return None
    m = REPORT_TITLE.search(t) or REPORT_TITLE_YEAR_AFTER.search(t)
    return int(m.group(1)) if m else None


def _link_title(a: etree._Element) -> str:
    text = " ".join(a.text_content().split())
    full = (a.get("title") or "").strip()
    # A cut title ("...", "…") or a bare "详情" link: the title attribute holds the full one.
    if full and (not text or text.endswith(("...", "…", "..")) or len(full) > len(text)):
        return full
    return text


def is_attachment(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(ATTACHMENT_EXT):
        return True
    last = parts.path.rsplit("/", 1)[-1]
    if SERVLET.search(last):
        return True
    return any(v.lower().endswith(ATTACHMENT_EXT) for _, v in parse_qsl(parts.query))


def normalise(base: str, href: str) -> str | None:
    """An absolute http(s) URL for `href` on a page whose final URL is `base` (dot
    segments removed and clamped at the root by urljoin, the fragment dropped)."""
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
        return None
    url = urldefrag(urljoin(base, href)).url
    return url if urlsplit(url).scheme in ("http", "https") else None


def _script_pages(text: str, base: str) -> list[str]:
    out: list[str] = []
    for m in CREATE_PAGE.finditer(text):
        count, name, ext = int(m.group(1)), m.group(3), m.group(4)
        # TRS numbers the first page index.html and the others index_1 … index_{n-1}.
        out.append(urljoin(base, f"{name}.{ext}"))
        out.extend(urljoin(base, f"{name}_{i}.{ext}") for i in range(1, min(count, 500)))
    return out


def parse_page(data: bytes, content_type: str | None, base: str, allows, extra_report=None,
               skip=None) -> PageLinks:
    """Classify every link on the page. `allows(url)` is the source's allowlist;
    `extra_report(title)` and `skip(title)` its own patterns."""
    text = decode_page(data, content_type)
    out = PageLinks()
    try:
        doc = lxml.html.fromstring(text)
    except (etree.ParserError, ValueError):
        return out
    seen: set[str] = set()
    candidates: list[str] = _script_pages(text, base)
    for a in doc.iter("a"):
        url = normalise(base, a.get("href") or "")
        if url is None or url in seen:
            continue
        seen.add(url)
        title = _link_title(a)
        if skip is not None and skip(title):
            continue
        # Only a link that would be followed is checked against the allowlist (and logged
        # when refused): a footer link to the ICP registry is no one's business.
        if report_year(title) is not None or (extra_report is not None and extra_report(title)):
            bucket: list | None = out.reports
        elif is_attachment(url) or title.lower().endswith(ATTACHMENT_EXT):
            bucket = out.attachments
        elif NUMBERED.search(urlsplit(url).path) or title.strip().lower() in PAGER_TEXT or title.strip().isdigit():
            bucket = None
            candidates.append(url)
        else:
            continue
        if not allows(url):
            out.offsite.append(url)
        elif bucket is not None:
            bucket.append(Link(url, title))
    for url in candidates:
        if allows(url) and url not in out.pages and url != base:
            out.pages.append(url)
    return out
