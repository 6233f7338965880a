"""Title, agency, reported year, publication date, statistics period and scope."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.model import Document
from pipeline.normalize import cn_year, nfkc, squash

_YEAR = r"(?P<year>(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})"
# 政府信息公开工作年度报告 and its variants: 年度, 工作报告, 关于…的报告, 情况报告.
_TITLE = re.compile(
    r"(?P<agency>[^，。；：:！？\s]{0,60}?)(?:关于)?" + _YEAR
    + r"年(?:度)?(?:的)?(?:政府|政务)?信息公开(?:工作)?(?:情况)?(?:的)?(?:年度)?(?:工作)?报告"
)
# …政府信息公开工作年度报告（2024年度）: the year after the title, in brackets.
_TITLE_YEAR_AFTER = re.compile(
    r"(?P<agency>[^，。；：:！？\s]{0,60}?)(?:政府|政务)?信息公开(?:工作)?(?:年度)?报告[（(]" + _YEAR + r"年?度?[)）]"
)
_CN_NUM = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})年(?P<m>[0-9一二三四五六七八九十]{1,3})月(?P<d>[0-9一二三四五六七八九十]{1,3})日")
_PERIOD = re.compile(
    r"统计期限(?:为|是|:)?(?:自)?(?P<y1>\d{4})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日(?:起)?(?:至|到|-|—|~)(?P<y2>\d{4})年(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
)
_AGGREGATE = re.compile(r"全(?:市|区|县|省|州|盟|旗|镇|自治区)(?:各级|政府信息公开|行政机关|各单位|范围|共|累计)")
_SIGNATURE_BAD = re.compile(r"[，。；：:！？,;]|^\d|^附件|^联系|^地址|^电话")


@dataclass
class Meta:
    title: str | None = None
    agency: str | None = None
    agency_source: str | None = None  # title, signature, html_title, document_properties
    year: int | None = None
    published_on: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    scope: str = "agency"  # agency (本机关) or aggregate (全市/全区…)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "notes"}


def _int_cn(text: str) -> int:
    """'12', '十二', '二十三', '一' → int."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_NUM.get(tens, 1) if tens else 1) * 10 + (_CN_NUM.get(ones, 0) if ones else 0)
    return _CN_NUM[text]


def _year(text: str) -> int:
    return int(text) if text.isdigit() else (cn_year(text) or 0)


def parse_date(text: str) -> date | None:
    m = _DATE.search(squash(nfkc(text)))
    if not m:
        return None
    try:
        return date(_year(m["y"]), _int_cn(m["m"]), _int_cn(m["d"]))
    except (ValueError, KeyError):
        return None


def find_title(lines: list[str]) -> tuple[str, str, int] | None:
    """(title, agency, year) from the first lines; the title may be split over lines."""
    head = [squash(nfkc(t)) for t in lines[:12] if t.strip()]
    for i in range(len(head)):
        joined = ""
        for j in range(i, min(i + 3, len(head))):
            joined += head[j]
            m = _TITLE.search(joined) or _TITLE_YEAR_AFTER.search(joined)
            if m and len(m.group(0)) <= 80:
                agency = m["agency"].strip("《》“”\"")
                return m.group(0), agency, _year(m["year"])
    return None


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(agency, date) from the closing lines: the last date and the short line above it."""
    tail = [squash(nfkc(t)) for t in lines[-8:] if t.strip()]
    for k in range(len(tail) - 1, -1, -1):
        line = tail[k]
        if len(line) <= 20 and _DATE.fullmatch(line.strip("()（）")):
            d = parse_date(line)
            agency = None
            if k > 0 and len(tail[k - 1]) <= 40 and not _SIGNATURE_BAD.search(tail[k - 1]):
                agency = tail[k - 1]
            return agency, d.isoformat() if d else None
        # signature and date on one line: 武汉市硚口区档案馆 2025年1月13日
        m = _DATE.search(line)
        if m and m.end() == len(line) and 0 < m.start() <= 40 and not _SIGNATURE_BAD.search(line[: m.start()]):
            d = parse_date(line)
            return line[: m.start()], d.isoformat() if d else None
    return None, None


def extract_metadata(doc: Document) -> Meta:
    meta = Meta()
    lines = [p.text for p in doc.paragraphs]
    hit = find_title(lines)
    if hit is None:
        # The body prints no title (or it sits in the page header, which readers skip):
        # the file's own title property (HTML <title>, Word/PDF document title) may.
        for key in ("html_title", "docx_title", "Title"):
            if doc.metadata.get(key) and (hit := find_title([doc.metadata[key]])):
                meta.agency_source = "html_title" if key == "html_title" else "document_properties"
                break
    if hit:
        meta.title, agency, meta.year = hit
        if agency:
            meta.agency = agency
            meta.agency_source = meta.agency_source or "title"
    sig_agency, published = _signature(lines)
    meta.published_on = published
    if not meta.agency and sig_agency:
        meta.agency = sig_agency
        meta.agency_source = "signature"
    text = squash(nfkc("".join(lines[:40])))
    pm = _PERIOD.search(text)
    if pm:
        try:
            meta.period_start = date(int(pm["y1"]), int(pm["m1"]), int(pm["d1"])).isoformat()
            meta.period_end = date(int(pm["y2"]), int(pm["m2"]), int(pm["d2"])).isoformat()
        except ValueError:
            meta.notes.append("statistics period printed with an impossible date")
        if meta.year is None and meta.period_end:
            meta.year = int(meta.period_end[:4])
    preamble = squash(nfkc("".join(lines[:4])))
    if _AGGREGATE.search((meta.title or "") + preamble) or re.search(r"全(?:市|区|县|省)", meta.title or ""):
        meta.scope = "aggregate"
    return meta
