"""Title, agency, reported year, publication date, statistics period and scope."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.model import Document
from pipeline.normalize import CN_DIGIT_CHARS, cn_int, nfkc, squash
from pipeline.record import Finding
from pipeline.validate.catalogue import finding

_CN_DIGITS = CN_DIGIT_CHARS
_YEAR = rf"(?P<year>(?:19|20)\d{{2}}|[{_CN_DIGITS}]{{4}})"
# After NFKC full-width punctuation is ASCII (，→ ,): the class excludes both widths, and
# quotes and book-title marks, so an agency never reaches back into a preamble sentence.
_AGENCY = r"(?P<agency>[^，。；：:！？,.;!?、《》“”\"'\s]{0,60}?)"
_REPORT = r"(?:政府|政务)?信息公开(?:工作)?(?:情况)?(?:的)?(?:年度)?(?:工作)?报告"
# 政府信息公开工作年度报告 and its variants: 年度, 工作报告, 关于(公布)…的报告, 情况报告.
_TITLES = (
    re.compile(_AGENCY + r"(?:关于(?:公布|印发|发布|报送)?)?" + _YEAR + r"年(?:度)?(?:的)?" + _REPORT),
    # 2023年江城市统计局政府信息公开工作年度报告: the year first.
    re.compile(r"^" + _YEAR + r"年(?:度)?" + _AGENCY + _REPORT),
    # …政府信息公开工作年度报告（2024年度）: the year after the title, in brackets.
    re.compile(_AGENCY + _REPORT + r"[（(]" + _YEAR + r"年?度?[)）]"),
)
# What stands before the agency on a title line and is not part of it.
_TITLE_PREFIX = re.compile(r"^(?:附件\d*[:：]?|[^〔\[]*[〔\[]\d{4}[〕\]]\d+号)")
_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_DIGITS}]{{4}})年(?P<m>[0-9一二三四五六七八九十]{{1,3}})月"
    r"(?:(?P<d>[0-9一二三四五六七八九十]{1,3})日)?"
)
_PERIOD = re.compile(
    r"统计(?:期限|时限|时间|数据|区间)(?:为|是|:)?(?:从|自)?(?P<y1>\d{4})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日(?:起)?"
    r"(?:至|到|-|—|~)(?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
)
# Wording that says the report covers a whole government's departments and levels, not
# a mention of city-wide work (根据全市政府信息公开工作统一部署 is still one agency's report).
_AGGREGATE = re.compile(
    r"(?:涵盖|包括|汇总|统计了?)全(?:市|区|县|省|州|盟|旗|自治区)"
    r"|全(?:市|区|县|省|州|盟|旗|自治区)各级(?:行政机关|政府|部门)"
    r"|全(?:市|区|县|省)(?:共|累计)(?:新)?(?:收到|受理)"
)
_SIGNATURE_BAD = re.compile(r"[，。；：:！？,;]|^\d|^附件|^联系|^地址|^电话")
_SEAL = re.compile(r"[(（](?:印章|盖章|公章|章)[)）]$")
# 本报告由江城市统计局依据…编制: who compiled the report, the last resort for the agency.
_PREAMBLE_AGENCY = re.compile(r"本(?:年度)?报告由(?P<agency>[^，。；、:：\s]{2,40}?)(?:依据|根据|按照|依照|负责|编制|制作|起草)")
# 江城市档案馆认真贯彻落实《条例》，按照…编制本报告: a paragraph opening with the agency as
# its subject, when neither the title nor a signature names it (matched at a paragraph's start).
_PREAMBLE_SUBJECT = re.compile(
    r"(?P<agency>[^，。；、:：,;\s《》]{2,40}?)(?:认真|深入|全面|严格|始终|坚持)?(?:贯彻|落实|按照|根据|依据|依照)")


@dataclass
class Meta:
    title: str | None = None
    agency: str | None = None
    agency_source: str | None = None  # title, signature, preamble, html_title, document_properties
    year: int | None = None
    published_on: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    scope: str = "agency"  # agency (本机关) or aggregate (全市/全区…)
    findings: list[Finding] = field(default_factory=list)  # catalogued, for the record

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "findings"}


def _int_cn(text: str) -> int:
    """'12', '十二', '二十三', '一' → int (the patterns admit nothing else)."""
    n = cn_int(text)
    if n is None:
        raise ValueError(f"not a number: {text!r}")
    return n


def _year(text: str) -> int:
    return _int_cn(text)


def parse_date(text: str) -> date | None:
    """The first 年月日 date in the text; a date printed without its day is the 1st."""
    m = _DATE.search(squash(nfkc(text)))
    if not m:
        return None
    try:
        return date(_year(m["y"]), _int_cn(m["m"]), _int_cn(m["d"]) if m["d"] else 1)
    except (ValueError, KeyError):
        return None


# A title line carries little besides the title: a 附件/文号 prefix, a bracketed date, a
# portal's site name after a dash. More than this around the match and the line is a
# sentence quoting the report (…现向社会公布XX局2023年度政府信息公开年度报告。).
TITLE_LINE_SLACK = 16
TITLE_MAX = 80  # characters of a title itself
_SENTENCE = re.compile(r"[。；;]|[,，].*[,，]")
# What an agency's name ends with (局 厅 委员会 办公室 人民政府 街道办事处 镇 乡 馆 中心 …).
_AGENCY_END = re.compile(
    r"(?:局|厅|委员会|委|办公室|办|人民政府|政府|街道办事处|街道|镇|乡|馆|中心|管委会|管理委员会|院|所|站|"
    r"队|处|部|署|会|社|行|区|县|市|省|州|盟|旗|园|集团|公司|学校|大学)$"
)
_NOT_AGENCY = re.compile(r"[，。；：:！？,.;!?、《》“”\"'()（）\[\]【】\s]|^(?:根据|按照|依据|依照|现|本|我|关于|为|对)")


def looks_like_agency(name: str | None) -> bool:
    """A name, not a phrase: no punctuation or book-title marks, a known ending."""
    return bool(name) and 2 <= len(name or "") <= 40 and not _NOT_AGENCY.search(name or "") \
        and bool(_AGENCY_END.search(name or ""))


def find_title(lines: list[str]) -> tuple[str, str, int] | None:
    """(title, agency, year) from the first lines.

    One line on its own is tried before two or three joined, so a 文号 or 附件 line
    above the title never runs into the agency; joining is for titles broken over lines.
    A line that is a sentence around the words of a title is no title (TITLE_LINE_SLACK).
    """
    head = [squash(nfkc(t)) for t in lines[:12] if t.strip()]
    if "报告" not in "".join(head):
        # Every title form ends in 报告 (_REPORT), and each candidate is a run of these lines:
        # the test is exact, and spares the regexes (their lazy agency group backtracks at
        # every position of a long line) on most lines and runs.
        return None
    for width in (1, 2, 3):
        for i in range(len(head) - width + 1):
            joined = "".join(head[i:i + width])
            if len(joined) > TITLE_MAX + TITLE_LINE_SLACK or "报告" not in joined:
                continue  # no match could pass the two tests below (a cheap, exact skip)
            for rx in _TITLES:
                m = rx.search(joined)
                if m and len(m.group(0)) <= TITLE_MAX and _title_line(joined, m):
                    if width == 1 and m.start("agency") == 0 and i > 0 and _NAME_FRAGMENT.fullmatch(head[i - 1]):
                        # The line above is the start of the name (a title broken inside
                        # the agency): the whole title is the two lines.
                        joined = head[i - 1] + joined
                        m = rx.search(joined) or m
                    agency = _TITLE_PREFIX.sub("", m["agency"]).strip("《》“”\"")
                    return m.group(0), agency, _year(m["year"])
    return None


# A line that can only be the first part of a title broken inside the agency name: a few
# CJK characters, no digit, no punctuation, no date (a 文号, 附件1 or a dated line is not),
# and none of the words of the lines that stand above titles (附件, a portal's column name
# 政府信息公开年报, a 红头 …文件, a breadcrumb's 首页/当前位置).
_NAME_FRAGMENT = re.compile(r"(?!.*(?:附件|附表|信息公开|年报|报告|目录|首页|位置|文件|通知|公告))[\u4e00-\u9fff]{1,20}")


def _title_line(line: str, m: re.Match[str]) -> bool:
    around = line[: m.start()] + line[m.end():]
    return len(around) <= TITLE_LINE_SLACK and not _SENTENCE.search(around)


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(agency, date) from the closing lines: the last date and the short line above it."""
    tail = [_SEAL.sub("", squash(nfkc(t))) for t in lines[-8:] if t.strip()]
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
            return _SEAL.sub("", line[: m.start()]) or None, d.isoformat() if d else None
    return None, None


def _dated_under_title(lines: list[str]) -> str | None:
    """Some reports print the date under the title instead of at the end: （2024年1月20日）."""
    for t in lines[:6]:
        line = squash(nfkc(t)).strip("()（）")
        if 0 < len(line) <= 16 and _DATE.fullmatch(line):
            d = parse_date(line)
            return d.isoformat() if d else None
    return None


def _preamble_agency(lines: list[str]) -> str | None:
    """The last resort: 本报告由…编制, else the subject a paragraph opens with."""
    pm = _PREAMBLE_AGENCY.search(squash(nfkc("".join(lines))))
    if pm and looks_like_agency(pm["agency"]):
        return pm["agency"]
    for line in lines:
        sm = _PREAMBLE_SUBJECT.match(squash(nfkc(line)))
        if sm and looks_like_agency(sm["agency"]):
            return sm["agency"]
    return None


def extract_metadata(doc: Document) -> Meta:
    meta = Meta()
    lines = [p.text for p in doc.paragraphs]
    hit = find_title(lines)
    if hit is None:
        # The body prints no title (or it sits in the page header, which readers skip):
        # the file's own title property or page header (HTML <title>, Word/PDF) may.
        for key in ("html_title", "docx_header", "docx_title", "Title"):
            if doc.metadata.get(key) and (hit := find_title(doc.metadata[key].splitlines())):
                meta.agency_source = "html_title" if key == "html_title" else "document_properties"
                break
    sig_agency, published = _signature(lines)
    if hit:
        meta.title, agency, meta.year = hit
        # a title agency that is no name (a phrase) gives way, unless the signature confirms it
        if agency and (looks_like_agency(agency) or agency == sig_agency):
            meta.agency = agency
            meta.agency_source = meta.agency_source or "title"
        else:
            meta.agency_source = None
    meta.published_on = published or _dated_under_title(lines)
    if not meta.agency and looks_like_agency(sig_agency):
        meta.agency = sig_agency
        meta.agency_source = "signature"
    if not meta.agency:
        meta.agency = _preamble_agency(lines[:8])
        meta.agency_source = "preamble" if meta.agency else None
    text = squash(nfkc("".join(lines[:40])))
    pm = _PERIOD.search(text)
    if pm:
        try:
            meta.period_start = date(int(pm["y1"]), int(pm["m1"]), int(pm["d1"])).isoformat()
            # 2023年1月1日至12月31日: the end's year is the start's when not printed
            meta.period_end = date(int(pm["y2"] or pm["y1"]), int(pm["m2"]), int(pm["d2"])).isoformat()
        except ValueError:
            meta.findings.append(finding("meta.period_date"))
        if meta.year is None and meta.period_end:
            meta.year = int(meta.period_end[:4])
    preamble = squash(nfkc("".join(lines[:4])))
    if _AGGREGATE.search(preamble) or re.search(r"全(?:市|区|县|省|州|盟|旗)", meta.title or ""):
        meta.scope = "aggregate"
    return meta
