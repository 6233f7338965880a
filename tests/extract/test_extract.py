"""The real sample report (text dump of its .docx) and hand-made variants of its tables."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline import spec
from pipeline.extract import extract_document
from pipeline.extract.metadata import find_title, parse_date
from pipeline.model import Document, Paragraph, Table, grid_from_rows
from pipeline.process import process_file


def test_wuhan_sample_round_trip(wuhan_txt: Path) -> None:
    rec = process_file(wuhan_txt)
    assert rec.status == "ok", rec.findings
    m = rec.metadata
    assert m["agency"] == "武汉市硚口区档案馆"
    assert m["year"] == 2024
    assert m["published_on"] == "2025-01-13"
    assert m["format_version"] == "2021"
    assert m["period_start"] == "2024-01-01" and m["period_end"] == "2024-12-31"
    assert m["scope"] == "agency"
    assert Counter(f.table_id for f in rec.facts) == {"t2": 10, "t3": 175, "t4": 15}
    assert {f.key for f in rec.facts} == {i.key for i in spec.items("2021")}
    assert all(f.value == 0 and f.value_kind == "number" for f in rec.facts)
    assert [s["number"] for s in rec.sections] == [1, 2, 3, 4, 5, 6]
    assert "未收到政府信息公开申请" in rec.sections[2]["text"]
    # provenance: the t3 grand total is the last cell of the (七)总计 row of table 2
    total = rec.fact_map()["t3.total.total"]
    assert (total.table_index, total.row, total.col, total.printed_text) == (1, 26, 8, "0")


def test_title_variants() -> None:
    assert find_title(["武汉市硚口区档案馆2024年政府", "信息公开工作年度报告"])[1:] == ("武汉市硚口区档案馆", 2024)
    assert find_title(["某市统计局２０２３年度政府信息公开工作年度报告"])[1:] == ("某市统计局", 2023)
    assert find_title(["某县人民政府办公室关于2022年政府信息公开工作年度报告"])[1:] == ("某县人民政府办公室", 2022)
    assert find_title(["某区民政局二〇二〇年政府信息公开工作年度报告"])[1:] == ("某区民政局", 2020)
    assert find_title(["2021年政府信息公开工作年度报告"])[1:] == ("", 2021)
    assert find_title(["江城市财政局政府信息公开工作年度报告（2022年度）"])[1:] == ("江城市财政局", 2022)
    assert find_title(["一、总体情况", "本机关全年工作"]) is None
    assert str(parse_date("二〇二五年一月十三日")) == "2025-01-13"
    assert str(parse_date("2025年3月31日")) == "2025-03-31"


T3_ROWS_2021 = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果|（一）予以公开", "granted"),
    ("|（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("|（三）不予公开|1.属于国家秘密", "denied.state_secret"),
    ("||2.其他法律行政法规禁止公开", "denied.prohibited_by_law"),
    ("||3.危及“三安全一稳定”", "denied.security_stability"),
    ("||4.保护第三方合法权益", "denied.third_party_rights"),
    ("||5.属于三类内部事务信息", "denied.internal_affairs"),
    ("||6.属于四类过程性信息", "denied.process_info"),
    ("||7.属于行政执法案卷", "denied.enforcement_files"),
    ("||8.属于行政查询事项", "denied.inquiry_matters"),
    ("|（四）无法提供|1.本机关不掌握相关政府信息", "unavailable.not_held"),
    ("||2.没有现成信息需要另行制作", "unavailable.needs_creation"),
    ("||3.补正后申请内容仍不明确", "unavailable.unclear_after_correction"),
    ("|（五）不予处理|1.信访举报投诉类申请", "not_processed.petition"),
    ("||2.重复申请", "not_processed.duplicate"),
    ("||3.要求提供公开出版物", "not_processed.publication"),
    ("||4.无正当理由大量反复申请", "not_processed.excessive"),
    ("||5.要求行政机关确认或重新出具已获取信息", "not_processed.confirmation"),
    ("|（六）其他处理|1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.no_correction"),
    ("||2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.no_fee_paid"),
    ("||3.其他", "other.other"),
    ("|（七）总计", "total"),
    ("四、结转下年度继续办理", "carried_forward"),
]
T3_HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
    ["", "自然人", "法人或其他组织", "总计"],
    ["", "", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", ""],
]


def _t3_rows(values: dict[str, list[str]], labels: list[tuple[str, str]] = T3_ROWS_2021) -> list[list[str]]:
    rows = []
    for label, key in labels:
        parts = label.split("|")
        rows.append(parts + values[key])
    return rows


def _doc(*blocks: object) -> Document:
    d = Document(source_path="mem", sha256="0" * 64, file_type="txt")
    for i, b in enumerate(blocks):
        if isinstance(b, str):
            d.blocks.append(Paragraph(b))
        else:
            d.blocks.append(Table(index=sum(isinstance(x, Table) for x in d.blocks), rows=grid_from_rows(b)))
        del i
    return d


def _numbers(seed: int) -> dict[str, list[str]]:
    return {key: [str(seed + 10 * r + c) for c in range(7)] for r, (_, key) in enumerate(T3_ROWS_2021)}


def test_t3_values_land_on_their_keys() -> None:
    vals = _numbers(100)
    doc = _doc("某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", T3_HEADER + _t3_rows(vals))
    rec = extract_document(doc)
    fm = rec.fact_map()
    cols = spec.col_keys("2021", "t3")
    for label, key in T3_ROWS_2021:
        for ci, col in enumerate(cols):
            assert fm[f"t3.{key}.{col}"].value == int(vals[key][ci]), (label, col)


def test_t3_split_with_repeated_header_and_columns_by_label() -> None:
    """Split over two tables with the header repeated; columns printed in another order."""
    vals = _numbers(7)
    order = [6, 0, 1, 2, 3, 4, 5]  # 总计 first
    header = [["申请人情况"], ["总计", "自然人", "法人或其他组织"],
              ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]
    rows = [r[:-7] + [r[-7:][i] for i in order] for r in _t3_rows(vals)]
    doc = _doc("某局2023年政府信息公开工作年度报告", header + rows[:10], header + rows[10:])
    rec = extract_document(doc)
    fm = rec.fact_map()
    assert fm["t3.new_received.total"].value == int(vals["new_received"][6])
    assert fm["t3.denied.process_info.natural_person"].value == int(vals["denied.process_info"][0])
    assert fm["t3.carried_forward.other_org"].value == int(vals["carried_forward"][5])
    assert fm["t3.carried_forward.other_org"].table_index == 1
    assert not [f for f in rec.findings if f.rule_id.startswith("t3.duplicate")]


def test_other_single_row_zero_and_nonzero() -> None:
    vals = _numbers(0)
    labels = [x for x in T3_ROWS_2021 if not x[1].startswith("other.")]
    at = [k for _, k in labels].index("total")
    zero = dict(vals, other=["0"] * 7)
    single = labels[:at] + [("|（六）其他处理", "other")] + labels[at:]
    rec = extract_document(_doc("某局2023年政府信息公开工作年度报告", T3_HEADER + _t3_rows(zero, single)))
    fm = rec.fact_map()
    assert fm["t3.other.no_fee_paid.total"].value == 0 and fm["t3.other.no_fee_paid.total"].derived
    assert "t3.other.total" not in fm
    nonzero = dict(vals, other=["1", "0", "0", "0", "0", "0", "1"])
    rec = extract_document(_doc("某局2023年政府信息公开工作年度报告", T3_HEADER + _t3_rows(nonzero, single)))
    fm = rec.fact_map()
    assert fm["t3.other.total"].value == 1
    assert "t3.other.other.total" not in fm
    assert any(f.rule_id == "t3.other_split_unknown" for f in rec.findings)


def test_values_blank_dash_fullwidth_text() -> None:
    vals = _numbers(0)
    vals["granted"] = ["", "—", "１２", "1,234", "/", "无", "见附件"]
    rec = extract_document(_doc("某局2023年政府信息公开工作年度报告", T3_HEADER + _t3_rows(vals)))
    fm = rec.fact_map()
    got = [(fm[f"t3.granted.{c}"].value, fm[f"t3.granted.{c}"].value_kind) for c in spec.col_keys("2021", "t3")]
    assert got == [(0, "blank"), (0, "dash"), (12, "number"), (1234, "number"), (0, "dash"), (0, "dash"),
                   (None, "text")]
    unreadable = [f for f in rec.findings if f.rule_id == "value.unreadable"]
    assert [f.cells for f in unreadable] == [["t3.granted.total"]]
    assert rec.status == "review"


def test_t2_four_small_tables_2019_and_money_in_yuan() -> None:
    t2 = [
        [["第二十条第（一）项"], ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
         ["规章", "1", "2", "3"], ["规范性文件", "4", "5", "6"]],
        [["第二十条第（五）项"], ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         ["行政许可", "10", "-2", "300"], ["其他对外管理服务事项", "5", "+1", "20"]],
        [["第二十条第（六）项"], ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         ["行政处罚", "7", "0", "40"], ["行政强制", "3", "", "2"]],
        [["第二十条第（八）项"], ["信息内容", "上一年项目数量", "本年增/减"], ["行政事业性收费", "2", "—"]],
        [["第二十条第（九）项"], ["信息内容", "采购项目数量", "采购总金额（元）"], ["政府集中采购", "12", "1234500"]],
    ]
    doc = _doc("某县人民政府办公室2019年政府信息公开工作年度报告", "二、主动公开政府信息情况", *t2)
    rec = extract_document(doc)
    fm = rec.fact_map()
    assert rec.metadata["format_version"] == "2019"
    assert fm["t2.rules.new_published"].value == 2
    assert fm["t2.normative_docs.total_published"].value == 6
    assert fm["t2.licensing.change"].value == -2
    assert fm["t2.other_services.change"].value == 1
    assert fm["t2.coercion.change"].value_kind == "blank"
    assert fm["t2.fees.change"].value_kind == "dash"
    amount = fm["t2.central_procurement.amount"]
    assert str(amount.value) == "123.45" and amount.unit == "万元" and amount.printed_text == "1234500"
    assert len([f for f in rec.facts if f.table_id == "t2"]) == len([i for i in spec.items("2019") if i.table_id == "t2"])


def test_non_report_is_rejected() -> None:
    rec = extract_document(_doc("会议通知", "请各单位按时参加。", [["姓名", "电话"], ["张三", "123"]]))
    assert rec.status == "rejected" and "not an annual report" in (rec.reason or "")


def test_agency_from_signature_when_title_has_none() -> None:
    vals = _numbers(0)
    doc = _doc("2023年政府信息公开工作年度报告", "一、总体情况", "本机关认真落实条例。",
               T3_HEADER + _t3_rows(vals), "江城市某某区审计局", "2024年1月20日")
    rec = extract_document(doc)
    assert (rec.metadata["agency"], rec.metadata["agency_source"]) == ("江城市某某区审计局", "signature")
    assert rec.metadata["published_on"] == "2024-01-20"
    assert rec.metadata["year"] == 2023


def test_aggregate_scope_from_preamble() -> None:
    doc = _doc("江城市人民政府2023年政府信息公开工作年度报告",
               "本报告由江城市人民政府办公室编制，汇总了全市各级行政机关政府信息公开工作情况。",
               T3_HEADER + _t3_rows(_numbers(0)))
    assert extract_document(doc).metadata["scope"] == "aggregate"
    doc = _doc("江城市生态环境局2023年政府信息公开工作年度报告", "本报告由江城市生态环境局编制。",
               T3_HEADER + _t3_rows(_numbers(0)))
    assert extract_document(doc).metadata["scope"] == "agency"


def test_ocr_slips_in_labels() -> None:
    from pipeline.extract.tables import _t3_row_key
    from pipeline.normalize import norm_label

    # （五）不予处理 read as 不子处理, 禁止 read as 茜止: one slip after the enumeration is fine
    assert _t3_row_key(norm_label("（五）不子处理 1.信访举报投诉类申请"), "unavailable")[0] == "not_processed.petition"
    assert _t3_row_key(norm_label("2.其他法律行政法规茜止公开"), "denied")[0] == "denied.prohibited_by_law"
    # ... but 不再处理 inside a leaf label of （六） is not the group 不予处理
    label = norm_label("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")
    assert _t3_row_key(label, "other")[0] == "other.no_fee_paid"


T2_2021 = [
    ["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "1", "0", "12"], ["行政规范性文件", "3", "1", "40"],
    ["第二十条第（五）项"], ["信息内容", "本年处理决定数量"], ["行政许可", "205"],
    ["第二十条第（六）项"], ["信息内容", "本年处理决定数量"], ["行政处罚", "17"], ["行政强制", "2"],
    ["第二十条第（八）项"], ["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", "3.25"],
]
T4 = [["行政复议", "行政诉讼"],
      ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
      ["", "", "", "", "", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
       "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
      [str(i) for i in range(15)]]


def test_one_big_table_holding_all_three() -> None:
    vals = _numbers(50)
    big = T2_2021 + T3_HEADER + _t3_rows(vals) + T4
    rec = extract_document(_doc("某局2023年政府信息公开工作年度报告", big))
    fm = rec.fact_map()
    assert len(rec.facts) == 200
    assert {f.table_index for f in rec.facts} == {0}
    assert fm["t2.normative_docs.in_force"].value == 40
    assert str(fm["t2.fees.amount"].value) == "3.25"
    assert fm["t3.carried_forward.total"].value == int(vals["carried_forward"][6])
    assert [fm[f"t4.{r}.{c}"].value for r in ("reconsideration", "litigation_direct",
                                               "litigation_after_reconsideration")
            for c in ("upheld", "corrected", "other", "pending", "total")] == list(range(15))


def test_t4_printed_turned() -> None:
    """Table 四 with a row per group and a column per outcome."""
    t4 = [["", "", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
          ["行政复议", "", "1", "2", "3", "4", "10"],
          ["行政诉讼", "未经复议直接起诉", "0", "1", "0", "0", "1"],
          ["", "复议后起诉", "2", "0", "0", "1", "3"]]
    rec = extract_document(_doc("某局2023年政府信息公开工作年度报告", "四、政府信息公开行政复议、行政诉讼情况", t4))
    fm = rec.fact_map()
    got = {k: fm[k].value for k in fm if k.startswith("t4.")}
    assert got == {
        "t4.reconsideration.upheld": 1, "t4.reconsideration.corrected": 2, "t4.reconsideration.other": 3,
        "t4.reconsideration.pending": 4, "t4.reconsideration.total": 10,
        "t4.litigation_direct.upheld": 0, "t4.litigation_direct.corrected": 1, "t4.litigation_direct.other": 0,
        "t4.litigation_direct.pending": 0, "t4.litigation_direct.total": 1,
        "t4.litigation_after_reconsideration.upheld": 2, "t4.litigation_after_reconsideration.corrected": 0,
        "t4.litigation_after_reconsideration.other": 0, "t4.litigation_after_reconsideration.pending": 1,
        "t4.litigation_after_reconsideration.total": 3}


def test_title_from_document_properties_when_body_has_none() -> None:
    doc = _doc("一、总体情况", "本局认真落实条例。", T3_HEADER + _t3_rows(_numbers(0)))
    doc.metadata["docx_title"] = "江城市水务局2022年政府信息公开工作年度报告"
    m = extract_document(doc).metadata
    assert (m["agency"], m["year"], m["agency_source"]) == ("江城市水务局", 2022, "document_properties")


def test_label_wordings_seen_in_reports() -> None:
    from pipeline.extract.tables import _t3_row_key
    from pipeline.normalize import norm_label

    assert _t3_row_key(norm_label("二、上年度结转政府信息公开申请数量"), None)[0] == "carried_over"
    assert _t3_row_key(norm_label("四、结转下年度继续办理"), None)[0] == "carried_forward"
    assert _t3_row_key(norm_label("3.其他情形"), "other")[0] == "other.other"


def test_two_reports_in_one_file_reads_the_first_and_says_so() -> None:
    first, second = _numbers(1), _numbers(500)
    doc = _doc("某局2022年政府信息公开工作年度报告", "一、总体情况", "正文。", T3_HEADER + _t3_rows(first),
               "某局", "2023年1月20日",
               "某局2023年政府信息公开工作年度报告", "一、总体情况", "正文。", T3_HEADER + _t3_rows(second),
               "某局", "2024年1月22日")
    rec = extract_document(doc)
    assert rec.status == "review"
    assert [f.rule_id for f in rec.findings if f.severity == "error"][:1] == ["document.several_reports"]
    assert (rec.metadata["year"], rec.metadata["published_on"]) == (2022, "2023-01-20")
    assert rec.fact_map()["t3.new_received.natural_person"].value == int(first["new_received"][0])


def test_agency_from_the_preamble_as_last_resort() -> None:
    doc = _doc("政府信息公开工作年度报告", "本报告由江城市某某区统计局依据《中华人民共和国政府信息公开条例》编制。",
               "本报告所列数据的统计期限为2023年1月1日至2023年12月31日。", T3_HEADER + _t3_rows(_numbers(0)))
    m = extract_document(doc).metadata
    assert (m["agency"], m["agency_source"], m["year"]) == ("江城市某某区统计局", "preamble", 2023)


def test_page_that_frames_the_report_is_rejected_with_where_it_is() -> None:
    doc = _doc("某局2023年政府信息公开工作年度报告")
    doc.metadata["html_frames"] = "/attach/ndbg.pdf"
    rec = extract_document(doc)
    assert rec.status == "rejected" and "iframe /attach/ndbg.pdf" in rec.reason
