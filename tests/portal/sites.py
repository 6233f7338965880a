"""The fixture portal's sites, with the pages and files real government portals serve.

Reports are built with the test kit (docx, html) and the real Huai'an PDF of
tests/fixtures; each site's paths follow a real CMS's conventions (TRS: /xxgk/ndbg/
t20240120_123.html with createPageHTML pagination; JCMS: /col/col123/index.html,
/art/2024/1/20/art_123_456.html, downfile.jsp servlets).
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.kit import make_report, write_docx, write_html
from tests.portal import Site, article, listing

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LONG_NAME = "江城市汉阳区档案馆" * 11 + "政府信息公开工作年度报告.pdf"  # over 300 bytes in UTF-8


def docx_bytes(agency: str, year: int, seed: int = 1) -> bytes:
    rep = make_report(random.Random(seed), agency, year)
    with tempfile.TemporaryDirectory() as d:
        return write_docx(rep, Path(d) / "r.docx").read_bytes()


def html_bytes(agency: str, year: int, encoding: str = "utf-8", seed: int = 1) -> bytes:
    rep = make_report(random.Random(seed), agency, year)
    with tempfile.TemporaryDirectory() as d:
        return write_html(rep, Path(d) / "r.html", encoding=encoding, container="zoom").read_bytes()


def pdf_bytes() -> bytes:
    return (FIXTURES / "huaian-city-2024.pdf").read_bytes()


@dataclass
class Portal:
    trs: Site        # UTF-8, TRS paths, JavaScript pagination
    jcms: Site       # GBK pages declaring gb2312, no HTTP charset, 下一页-only pagination
    offsite: Site    # a host in no allowlist
    files: dict[str, bytes] = field(default_factory=dict)  # what each stored report must hold

    def close(self) -> None:
        for s in (self.trs, self.jcms, self.offsite):
            s.close()

    def sources_toml(self, **over: object) -> str:
        extra = "".join(f"{k} = {v}\n" for k, v in over.items())
        return (f'[[sources]]\nname = "trs"\nstart_urls = ["{self.trs.url("/xxgk/ndbg/index.html")}"]\n'
                f'allowed_hosts = ["{self.trs.host}"]\nrate = 200\nmax_bytes = 3000000\n{extra}\n'
                f'[[sources]]\nname = "jcms"\nstart_urls = ["{self.jcms.url("/col/col123/index.html")}"]\n'
                f'allowed_hosts = ["{self.jcms.host}"]\nrate = 200\nconcurrency = 2\nmax_bytes = 3000000\n'
                f'agency = "青河县人民政府办公室"\n{extra}')


def _trs(site: Site, off: Site, files: dict[str, bytes]) -> None:
    a = "江城市汉阳区档案馆"
    inline = html_bytes(a, 2023)
    files["inline"] = inline
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    page0 = listing([
        # a cut title whose full text is in title=""
        ("./202401/t20240120_101.html", f"{a}2023年政府信息公开工作年...", f"{a}2023年政府信息公开工作年度报告"),
        ("./202401/t20240121_102.html", "江城市生态环境局2023年度政府信息公开工作年度报告", None),
        ("./202401/t20240122_103.html", "关于做好2023年政府信息公开工作年度报告编制和发布工作的通知", None),
        ("./202401/t20240123_104.html", "图解：江城市2023年政府信息公开工作年度报告", None),
        ("./202401/t20240124_105.html", "江城市2023年法治政府建设年度报告", None),
        ("./202401/t20240125_106.html", "我区召开政务公开工作推进会", None),
        ("/private/t20240126_107.html", "江城市汉阳区2023年政府信息公开工作年度报告", None),
        (off.url("/ndbg/t1.html"), "外站2023年政府信息公开工作年度报告", None),
    ], extra='<div class="page"><script>createPageHTML(3, 0, "index", "html");</script></div>')
    site.add("/xxgk/ndbg/index.html", page0)
    site.add("/xxgk/ndbg/index_1.html", listing([
        ("./202301/t20230118_201.html", "江城市汉阳区五里街道2022年政府信息公开工作年度报告", None),
        ("/old/ndbg/t20230119_202.html", "江城市城市管理局2022年政府信息公开工作年度报告", None),
    ], extra='<script>createPageHTML(3, 1, "index", "html");</script>'))
    site.add("/xxgk/ndbg/index_2.html", listing([
        ("./202201/t20220118_301.html", "江城市汉阳区2021年政府信息公开工作年度报告", None),
        ("./202201/t20220119_302.html", "江城市教育局2021年政府信息公开工作年度报告", None),
        ("./202201/t20220120_303.html", "江城市水务局2021年政府信息公开工作年度报告", None),
    ], extra='<script>createPageHTML(3, 2, "index", "html");</script>'))
    # The report inline in the page.
    site.add("/xxgk/ndbg/202401/t20240120_101.html", inline)
    # A page with a .docx attachment, failing once with 500 first.
    files["docx"] = docx_bytes("江城市生态环境局", 2023)
    site.add("/xxgk/ndbg/202401/t20240121_102.html", article(
        "江城市生态环境局2023年度政府信息公开工作年度报告",
        '<p>附件：<a href="./P020240121_1.docx">江城市生态环境局2023年度报告.docx</a></p>'), fail_first=1)
    site.add("/xxgk/ndbg/202401/P020240121_1.docx", files["docx"],
             content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    for n in (103, 104, 105, 106):
        site.add(f"/xxgk/ndbg/202401/t2024012{n - 100}_{n}.html", article("通知", "<p>不是年报</p>"))
    site.add("/private/t20240126_107.html", article("x", "<p>robots 不许</p>"))
    # PDF bytes named .docx, and a .doc attachment.
    files["pdf_as_docx"] = pdf_bytes()
    site.add("/xxgk/ndbg/202301/t20230118_201.html", article(
        "五里街道2022年政府信息公开工作年度报告",
        '<a href="./P020230118_1.docx">附件1</a> <a href="./P020230118_2.doc">附件2</a>'))
    site.add("/xxgk/ndbg/202301/P020230118_1.docx", files["pdf_as_docx"], content_type="application/octet-stream")
    files["doc"] = OLE + b"\x00" * 504  # stored, not read: reading .doc is tests/readers/test_doc_reader.py
    site.add("/xxgk/ndbg/202301/P020230118_2.doc", files["doc"], content_type="application/msword")
    # A same-host redirect; the page's relative links resolve against where it landed.
    site.add("/old/ndbg/t20230119_202.html", location="/xxgk/ndbg/2023new/t20230119_202.html")
    site.add("/xxgk/ndbg/2023new/t20230119_202.html", article(
        "江城市城市管理局2022年政府信息公开工作年度报告",
        '<a href="./P1.docx">附件</a> <a href="../../../../../xxgk/ndbg/2023new/P2.pdf">附件2</a>'))
    files["after_redirect"] = docx_bytes("江城市城市管理局", 2022, seed=2)
    site.add("/xxgk/ndbg/2023new/P1.docx", files["after_redirect"])
    site.add("/xxgk/ndbg/2023new/P2.pdf", files["pdf_as_docx"], content_type="application/pdf")
    # Redirect off the allowlist; a slow attachment; oversize with and without Content-Length.
    site.add("/xxgk/ndbg/202201/t20220118_301.html", location=off.url("/landing.html"))
    site.add("/xxgk/ndbg/202201/t20220119_302.html", article(
        "江城市教育局2021年政府信息公开工作年度报告", '<a href="./slow.pdf">附件</a>'))
    site.add("/xxgk/ndbg/202201/slow.pdf", pdf_bytes(), delay=3.0)
    site.add("/xxgk/ndbg/202201/t20220120_303.html", article(
        "江城市水务局2021年政府信息公开工作年度报告",
        '<a href="./big1.pdf">附件1</a> <a href="./big2.pdf">附件2</a>'))
    site.add("/xxgk/ndbg/202201/big1.pdf", b"%PDF-1.4\n" + b"0" * 4_000_000)
    site.add("/xxgk/ndbg/202201/big2.pdf", b"%PDF-1.4\n" + b"0" * 4_000_000, chunked=True)


def _jcms(site: Site, files: dict[str, bytes]) -> None:
    gbk = "text/html"  # no charset over HTTP: the page's own meta says gb2312
    files["gbk"] = html_bytes("青河县人民政府办公室", 2023, encoding="gbk")
    page1 = listing([
        ("/art/2024/1/20/art_123_456.html", "青河县人民政府办公室2023年政府信息公开工作年度报告", None),
        ("/art/2024/1/18/art_123_455.html", "关于青河县2023年政府信息公开工作年度报告的解读", None),
        ("/col/col123/index.html?uid=9&pageNum=2", "下一页", None),
    ], charset="gb2312").encode("gbk")
    site.add("/col/col123/index.html", page1, content_type=gbk)
    page2 = listing([
        ("/art/2023/1/20/art_123_300.html", "青河县人民政府办公室2022年政府信息公开工作年度报告", None),
        ("/col/col123/index.html", "上一页", None),
    ], charset="gb2312").encode("gbk")
    site.add("/col/col123/index.html?uid=9&pageNum=2", page2, content_type=gbk)
    site.add("/art/2024/1/20/art_123_456.html", files["gbk"], content_type=gbk)
    site.add("/art/2024/1/18/art_123_455.html", article("解读", "<p>解读</p>", "gb2312").encode("gbk"),
             content_type=gbk)
    files["servlet"] = docx_bytes("青河县人民政府办公室", 2022, seed=3)
    body = article("青河县人民政府办公室2022年政府信息公开工作年度报告",
                   '<a href="/module/download/downfile.jsp?classid=0&amp;filename=2301201530.docx">附件</a>'
                   ' <a href="/picture/0/..%2f..%2fetc%2fpasswd.pdf">附件2</a>'
                   f' <a href="/picture/0/{LONG_NAME}">附件3</a>', "gb2312").encode("gbk")
    site.add("/art/2023/1/20/art_123_300.html", body, content_type=gbk)
    site.add("/module/download/downfile.jsp?classid=0&filename=2301201530.docx", files["servlet"],
             content_type="application/octet-stream",
             headers={"Content-Disposition": "attachment; filename*=UTF-8''%E9%9D%92%E6%B2%B3%E5%8E%BF2022%E5%B9%B4%E6%8A%A5.docx"})
    files["traversal"] = pdf_bytes()
    site.add("/picture/0/..%2f..%2fetc%2fpasswd.pdf", files["traversal"], content_type="application/pdf")
    from urllib.parse import quote
    site.add("/picture/0/" + quote(LONG_NAME), files["traversal"], content_type="application/pdf")


def build_portal() -> Portal:
    trs, jcms, off = Site("127.0.0.2"), Site("127.0.0.3"), Site("127.0.0.9")
    portal = Portal(trs, jcms, off)
    off.add("/landing.html", article("外站", "<p>x</p>"))
    off.add("/ndbg/t1.html", article("外站", "<p>x</p>"))
    _trs(trs, off, portal.files)
    _jcms(jcms, portal.files)
    return portal
