"""Synthetic annual reports: numbers that obey the template's accounting rules, prose that agrees.

The extractor and the checks are tested against files whose truth is known exactly, so the
numbers here must be internally consistent (every accounting rule holds) and realistic in
shape (mostly natural persons, most requests granted or 不掌握, small agencies full of
zeros, 2019 item counts that may shrink). Everything is driven by a caller-supplied
`random.Random`, so a seed reproduces a report bit for bit.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline import spec

Number = int | Decimal

# The table structure comes from the spec (items.csv), like everywhere else.
APPLICANT_COLS: tuple[str, ...] = spec.t3_applicant_cols()
T3_COLS: tuple[str, ...] = (*APPLICANT_COLS, "total")
# Result rows (一)…(六) of t3 section 三, in printed order; (七)总计 is their sum.
OTHER_ROWS_2021: tuple[str, ...] = tuple(r for r in spec.t3_result_rows("2021") if r.startswith("other."))
T3_RESULT_ROWS: dict[str, tuple[str, ...]] = {fmt: spec.t3_result_rows(fmt) for fmt in spec.FORMATS}

# t4 rows (复议, two kinds of suit) and outcomes (维持…尚未审结; 总计 is their sum); the
# same in both templates.
T4_ROWS: tuple[str, ...] = tuple(spec.row_keys("2021", "t4"))
T4_OUTCOMES: tuple[str, ...] = tuple(c for c in spec.col_keys("2021", "t4") if c != "total")

SECTION_TITLES: tuple[str, ...] = spec.section_titles()

# Relative frequency of each outcome in real reports (granted and 不掌握 dominate);
# each report perturbs these so that no two agencies look alike.
_RESULT_WEIGHTS: dict[str, float] = {
    "granted": 45.0,
    "partially_granted": 5.0,
    "denied.state_secret": 0.2,
    "denied.prohibited_by_law": 0.5,
    "denied.security_stability": 0.3,
    "denied.third_party_rights": 1.0,
    "denied.internal_affairs": 1.5,
    "denied.process_info": 2.0,
    "denied.enforcement_files": 0.5,
    "denied.inquiry_matters": 2.0,
    "unavailable.not_held": 20.0,
    "unavailable.needs_creation": 4.0,
    "unavailable.unclear_after_correction": 3.0,
    "not_processed.petition": 3.0,
    "not_processed.duplicate": 2.0,
    "not_processed.publication": 0.5,
    "not_processed.excessive": 0.5,
    "not_processed.confirmation": 0.5,
    "other.no_correction": 3.0,
    "other.no_fee_paid": 0.2,
    "other.other": 2.0,
}
_APPLICANT_WEIGHTS: dict[str, float] = {
    "natural_person": 85.0,
    "commercial": 7.0,
    "research": 0.5,
    "social_org": 1.0,
    "legal_service": 4.0,
    "other_org": 2.5,
}


def format_for_year(year: int) -> str:
    """The template in force for reports on `year` (2021 template from the 2021 reports on)."""
    return "2021" if year >= 2021 else "2019"


def item_keys(fmt: str) -> list[str]:
    """Every canonical key of one template, in items.csv order."""
    return [i.key for i in spec.items(fmt)]


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class Profile:
    """Order of magnitude of everything an agency of one kind reports.

    Ranges are inclusive (lo, hi); a (0, 0) range means the agency never has such items
    (an archive issues no licences), which is what fills real small-agency tables with 0.
    """

    name: str
    requests: float  # mean number of new requests a year
    we: str  # how the report refers to its author (我馆, 全市)
    rules_issued: tuple[int, int] = (0, 0)
    rules_in_force: tuple[int, int] = (0, 0)
    norm_issued: tuple[int, int] = (0, 0)
    norm_in_force: tuple[int, int] = (0, 0)
    licensing: tuple[int, int] = (0, 0)
    penalty: tuple[int, int] = (0, 0)
    coercion: tuple[int, int] = (0, 0)
    fee_chance: float = 0.0
    fees_wan: tuple[float, float] = (0.0, 0.0)
    lic_items: tuple[int, int] = (0, 0)
    svc_items: tuple[int, int] = (0, 0)
    svc_decisions: tuple[int, int] = (0, 0)
    pen_items: tuple[int, int] = (0, 0)
    coer_items: tuple[int, int] = (0, 0)
    fee_items: tuple[int, int] = (0, 0)
    proc_projects: tuple[int, int] = (0, 0)
    proc_wan: tuple[float, float] = (0.0, 0.0)
    published_items: tuple[int, int] = (30, 300)  # 主动公开信息条数 (prose only)
    review_rate: float = 0.02  # 行政复议 per request
    aggregate: bool = False


PROFILES: dict[str, Profile] = {
    "archive": Profile(
        name="archive",
        requests=1.2,
        we="我馆",
        proc_projects=(0, 3),
        proc_wan=(2.0, 40.0),
        published_items=(20, 120),
        review_rate=0.0,
    ),
    "street": Profile(
        name="street",
        requests=4.0,
        we="我街道",
        penalty=(0, 40),
        coercion=(0, 3),
        pen_items=(0, 30),
        proc_projects=(0, 5),
        proc_wan=(5.0, 120.0),
        published_items=(40, 260),
        review_rate=0.03,
    ),
    "county_office": Profile(
        name="county_office",
        requests=25.0,
        we="我办",
        norm_issued=(2, 12),
        norm_in_force=(25, 90),
        proc_projects=(2, 15),
        proc_wan=(30.0, 900.0),
        published_items=(300, 1800),
        review_rate=0.04,
    ),
    "city_bureau": Profile(
        name="city_bureau",
        requests=60.0,
        we="我局",
        norm_issued=(0, 5),
        norm_in_force=(6, 30),
        licensing=(150, 1600),
        penalty=(40, 450),
        coercion=(0, 40),
        fee_chance=0.35,
        fees_wan=(0.5, 260.0),
        lic_items=(10, 45),
        svc_items=(3, 20),
        svc_decisions=(50, 900),
        pen_items=(80, 420),
        coer_items=(3, 20),
        fee_items=(1, 8),
        proc_projects=(4, 40),
        proc_wan=(80.0, 3500.0),
        published_items=(200, 1500),
        review_rate=0.05,
    ),
    "city_government": Profile(
        name="city_government",
        requests=2400.0,
        we="全市",
        rules_issued=(1, 6),
        rules_in_force=(30, 95),
        norm_issued=(40, 160),
        norm_in_force=(400, 1300),
        licensing=(80000, 600000),
        penalty=(15000, 160000),
        coercion=(400, 9000),
        fee_chance=0.95,
        fees_wan=(8000.0, 220000.0),
        lic_items=(600, 1500),
        svc_items=(150, 600),
        svc_decisions=(20000, 300000),
        pen_items=(3000, 9000),
        coer_items=(100, 400),
        fee_items=(60, 200),
        proc_projects=(300, 2500),
        proc_wan=(50000.0, 900000.0),
        published_items=(30000, 160000),
        review_rate=0.06,
        aggregate=True,
    ),
}


def infer_profile(agency: str) -> str:
    """Guess the agency kind from its name (档案馆, 街道办事处, 人民政府办公室, …局, 人民政府)."""
    if agency.endswith("档案馆"):
        return "archive"
    if agency.endswith(("街道办事处", "镇人民政府", "乡人民政府")):
        return "street"
    if agency.endswith("人民政府办公室"):
        return "county_office"
    if agency.endswith("人民政府"):
        return "city_government"
    return "city_bureau"


def site_owner(agency: str) -> str:
    """The government whose portal publishes the agency's report (江城市汉阳区 → 江城市汉阳区人民政府)."""
    m = re.match(r"^(.+?(?:省|自治区))?(.+?(?:市|州|盟))?(.+?(?:区|县|旗))?", agency)
    prefix = "".join(g for g in (m.groups() if m else ()) if g)
    return (prefix or agency) + "人民政府"


# --------------------------------------------------------------------------- report


@dataclass
class SynthReport:
    agency: str
    year: int
    format_version: str  # "2019" or "2021"
    published_on: dt.date
    scope: str  # "agency" (本机关) or "aggregate" (全市, 全区)
    values: dict[str, Number]  # every key of the format, e.g. "t3.new_received.natural_person"
    sections: dict[str, list[str]] = field(default_factory=dict)  # heading → paragraphs
    preamble: str = ""
    profile: str = "city_bureau"
    site: str = ""  # portal owner, used by the HTML chrome and the contact line

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def get(self, table_id: str, row_key: str, col_key: str) -> Number:
        return self.values[f"{table_id}.{row_key}.{col_key}"]

    def facts(self) -> list[dict[str, object]]:
        """The truth as rows (table_id, row_key, col_key, value), like the shared *.truth.json."""
        out: list[dict[str, object]] = []
        for item in spec.items(self.format_version):
            out.append(
                {
                    "table_id": item.table_id,
                    "row_key": item.row_key,
                    "col_key": item.col_key,
                    "value": self.values[item.key],
                }
            )
        return out


# --------------------------------------------------------------------------- sampling helpers


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:  # normal approximation: Knuth's loop underflows and slows for large means
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if n > 2000:
        sd = math.sqrt(n * p * (1 - p))
        return min(n, max(0, round(rng.gauss(n * p, sd))))
    return sum(1 for _ in range(n) if rng.random() < p)


def _multinomial(rng: random.Random, n: int, weights: Sequence[float]) -> list[int]:
    counts = [0] * len(weights)
    if n > 0:
        for i in rng.choices(range(len(weights)), weights=weights, k=n):
            counts[i] += 1
    return counts


def _jitter(rng: random.Random, weights: dict[str, float], keys: Sequence[str]) -> list[float]:
    return [weights[k] * rng.uniform(0.3, 1.7) for k in keys]


def _between(rng: random.Random, r: tuple[int, int]) -> int:
    return rng.randint(r[0], r[1]) if r[1] > 0 else 0


def _money(rng: random.Random, r: tuple[float, float]) -> Decimal:
    """A 万元 amount with 2 to 4 decimals, as printed in real reports."""
    places = rng.choice((2, 2, 3, 4))
    lo, hi = (round(x * 10**places) for x in r)
    return Decimal(rng.randint(lo, hi)).scaleb(-places)


# --------------------------------------------------------------------------- tables


def _t3(
    rng: random.Random, fmt: str, scale: float, carried_over: dict[str, int] | None
) -> dict[str, int]:
    values: dict[str, int] = {}
    app_weights = _jitter(rng, _APPLICANT_WEIGHTS, APPLICANT_COLS)
    new = _multinomial(rng, _poisson(rng, scale), app_weights)
    if carried_over is None:
        carried = _multinomial(rng, _poisson(rng, scale * rng.uniform(0.0, 0.06)), app_weights)
    else:
        carried = [carried_over.get(c, 0) for c in APPLICANT_COLS]
    rows = T3_RESULT_ROWS[fmt]
    if fmt == "2019":
        weights = dict(_RESULT_WEIGHTS, other=sum(_RESULT_WEIGHTS[k] for k in OTHER_ROWS_2021))
    else:
        weights = _RESULT_WEIGHTS
    res_weights = _jitter(rng, weights, rows)
    # Some agencies close everything by 31 December, others carry a share forward.
    backlog = rng.choice((0.0, 0.0, rng.uniform(0.01, 0.1)))
    for ci, col in enumerate(APPLICANT_COLS):
        forward = _binomial(rng, new[ci] + carried[ci], backlog)
        handled = new[ci] + carried[ci] - forward
        for row, n in zip(rows, _multinomial(rng, handled, res_weights), strict=True):
            values[f"t3.{row}.{col}"] = n
        values[f"t3.new_received.{col}"] = new[ci]
        values[f"t3.carried_over.{col}"] = carried[ci]
        values[f"t3.total.{col}"] = handled
        values[f"t3.carried_forward.{col}"] = forward
    for row in ("new_received", "carried_over", *rows, "total", "carried_forward"):
        values[f"t3.{row}.total"] = sum(values[f"t3.{row}.{c}"] for c in APPLICANT_COLS)
    return values


def _t4(rng: random.Random, p: Profile, scale: float) -> dict[str, int]:
    values: dict[str, int] = {}
    means = {
        "reconsideration": scale * p.review_rate,
        "litigation_direct": scale * p.review_rate * 0.35,
        "litigation_after_reconsideration": scale * p.review_rate * 0.2,
    }
    for row in T4_ROWS:
        n = _poisson(rng, means[row])
        split = _multinomial(rng, n, (6.0, 1.2, 1.5, 1.0))
        for out, k in zip(T4_OUTCOMES, split, strict=True):
            values[f"t4.{row}.{out}"] = k
        values[f"t4.{row}.total"] = n
    return values


def _t2_2021(rng: random.Random, p: Profile, prev: SynthReport | None) -> dict[str, Number]:
    values: dict[str, Number] = {}
    chained = prev is not None and prev.format_version == "2021"
    for row, issued_r, in_force_r in (
        ("rules", p.rules_issued, p.rules_in_force),
        ("normative_docs", p.norm_issued, p.norm_in_force),
    ):
        issued = _between(rng, issued_r)
        # Agencies that issue documents also clean up old ones; those that never issue
        # have nothing to repeal.
        repealed = _between(rng, (0, max(1, issued_r[1] // 2))) if issued_r[1] else 0
        if chained:
            assert prev is not None
            last = int(prev.values[f"t2.{row}.in_force"])
            repealed = min(repealed, last + issued)
            in_force = last + issued - repealed
        else:
            in_force = max(_between(rng, in_force_r), issued) if in_force_r[1] else issued
        values[f"t2.{row}.issued"] = issued
        values[f"t2.{row}.repealed"] = repealed
        values[f"t2.{row}.in_force"] = in_force
    values["t2.licensing.decisions"] = _between(rng, p.licensing)
    values["t2.penalty.decisions"] = _between(rng, p.penalty)
    values["t2.coercion.decisions"] = _between(rng, p.coercion)
    charged = p.fee_chance > 0 and rng.random() < p.fee_chance
    values["t2.fees.amount"] = _money(rng, p.fees_wan) if charged else Decimal(0)
    return values


def _t2_2019(rng: random.Random, p: Profile, prev: SynthReport | None) -> dict[str, Number]:
    values: dict[str, Number] = {}
    chained = prev is not None and prev.format_version == "2019"
    for row, made_r, total_r in (
        ("rules", p.rules_issued, p.rules_in_force),
        ("normative_docs", p.norm_issued, p.norm_in_force),
    ):
        made = _between(rng, made_r)
        # Nearly everything made is published the same year; an odd one waits.
        published = max(0, made - (1 if made and rng.random() < 0.15 else 0))
        if chained:
            assert prev is not None
            total = int(prev.values[f"t2.{row}.total_published"]) + published
        else:
            total = max(_between(rng, total_r), published) if total_r[1] else published
        values[f"t2.{row}.new_made"] = made
        values[f"t2.{row}.new_published"] = published
        values[f"t2.{row}.total_published"] = total
    for row, items_r, dec_r in (
        ("licensing", p.lic_items, p.licensing),
        ("other_services", p.svc_items, p.svc_decisions),
        ("penalty", p.pen_items, p.penalty),
        ("coercion", p.coer_items, p.coercion),
        ("fees", p.fee_items, (0, 0)),
    ):
        if chained:
            assert prev is not None
            prior = int(prev.values[f"t2.{row}.prior_year_items"]) + int(
                prev.values[f"t2.{row}.change"]
            )
        else:
            prior = _between(rng, items_r)
        # 清单 are pruned as often as they grow (放管服), so change is often negative.
        swing = max(1, prior // 10) if prior else (1 if items_r[1] else 0)
        change = max(-prior, rng.randint(-swing, swing)) if swing else 0
        values[f"t2.{row}.prior_year_items"] = prior
        values[f"t2.{row}.change"] = change
        if row != "fees":
            values[f"t2.{row}.decisions"] = _between(rng, dec_r) if prior + change > 0 else 0
    projects = _between(rng, p.proc_projects)
    values["t2.central_procurement.projects"] = projects
    values["t2.central_procurement.amount"] = _money(rng, p.proc_wan) if projects else Decimal(0)
    return values


# --------------------------------------------------------------------------- rules


def rule_violations(values: dict[str, Number], fmt: str) -> list[str]:
    """Every accounting rule of the template that `values` breaks (empty when consistent)."""
    bad: list[str] = []
    missing = set(item_keys(fmt)) - set(values)
    extra = set(values) - set(item_keys(fmt))
    if missing:
        bad.append(f"missing keys: {sorted(missing)[:5]}")
    if extra:
        bad.append(f"keys not in format {fmt}: {sorted(extra)[:5]}")
    if missing:
        return bad
    v = values
    results = T3_RESULT_ROWS[fmt]
    for col in T3_COLS:
        total = sum(v[f"t3.{r}.{col}"] for r in results)
        if total != v[f"t3.total.{col}"]:
            bad.append(f"t3 {col}: (七)总计 {v[f't3.total.{col}']} != sum of results {total}")
        lhs = v[f"t3.new_received.{col}"] + v[f"t3.carried_over.{col}"]
        rhs = v[f"t3.total.{col}"] + v[f"t3.carried_forward.{col}"]
        if lhs != rhs:
            bad.append(f"t3 {col}: 一+二 {lhs} != 三+四 {rhs}")
    for row in ("new_received", "carried_over", *results, "total", "carried_forward"):
        s = sum(v[f"t3.{row}.{c}"] for c in APPLICANT_COLS)
        if s != v[f"t3.{row}.total"]:
            bad.append(f"t3 {row}: 总计 {v[f't3.{row}.total']} != sum of applicants {s}")
    for row in T4_ROWS:
        s = sum(v[f"t4.{row}.{o}"] for o in T4_OUTCOMES)
        if s != v[f"t4.{row}.total"]:
            bad.append(f"t4 {row}: 总计 {v[f't4.{row}.total']} != {s}")
    for key, val in v.items():
        table_id, rest = key.split(".", 1)
        row_key, col_key = rest.rsplit(".", 1)  # row keys may hold a dot (denied.state_secret)
        item = spec.item_index(fmt)[(table_id, row_key, col_key)]
        if item.is_money:
            if not isinstance(val, Decimal) or val < 0:
                bad.append(f"{key}: money must be a non-negative Decimal, got {val!r}")
        elif not isinstance(val, int) or isinstance(val, bool):
            bad.append(f"{key}: count must be an int, got {val!r}")
        elif val < 0 and not key.endswith(".change"):
            bad.append(f"{key}: negative count {val}")
    return bad


# --------------------------------------------------------------------------- prose


def _n_results(v: dict[str, Number], prefix: str, col: str = "total") -> int:
    return sum(
        int(val) for k, val in v.items() if k.startswith(f"t3.{prefix}") and k.endswith(f".{col}")
    )


def _sections(rng: random.Random, rep: SynthReport, p: Profile) -> dict[str, list[str]]:
    v, y, we = rep.values, rep.year, p.we
    subject = "全市各级行政机关" if rep.scope == "aggregate" else we
    new, carried = int(v["t3.new_received.total"]), int(v["t3.carried_over.total"])
    handled, forward = int(v["t3.total.total"]), int(v["t3.carried_forward.total"])
    published = rng.randint(*p.published_items)
    platform = rng.choice(("门户网站", "政府网站政府信息公开专栏", "门户网站和政务新媒体"))

    if rep.format_version == "2021":
        norm = (
            int(v["t2.normative_docs.issued"]),
            int(v["t2.normative_docs.repealed"]),
            int(v["t2.normative_docs.in_force"]),
        )
        norm_text = (
            f"制发行政规范性文件{norm[0]}件，废止{norm[1]}件，现行有效{norm[2]}件"
            if any(norm)
            else "未以本单位名义制发行政规范性文件"
        )
    else:
        norm = (
            int(v["t2.normative_docs.new_made"]),
            int(v["t2.normative_docs.new_published"]),
            int(v["t2.normative_docs.total_published"]),
        )
        norm_text = (
            f"新制作规范性文件{norm[0]}件，新公开{norm[1]}件，对外公开规范性文件总数{norm[2]}件"
            if any(norm)
            else "未制作规范性文件"
        )

    if new == 0 and carried == 0:
        request_text = f"{y}年，{we}未收到政府信息公开申请。"
    else:
        parts = [f"{y}年，{subject}共收到政府信息公开申请{new}件"]
        if carried:
            parts.append(f"上年结转{carried}件")
        outcome = (
            f"本年度办结{handled}件，其中予以公开{int(v['t3.granted.total'])}件，"
            f"部分公开{int(v['t3.partially_granted.total'])}件，不予公开{_n_results(v, 'denied.')}件，"
            f"无法提供{_n_results(v, 'unavailable.')}件，不予处理{_n_results(v, 'not_processed.')}件，"
            f"其他处理{_n_results(v, 'other')}件"
        )
        parts.append(outcome)
        if forward:
            parts.append(f"结转下年度继续办理{forward}件")
        request_text = "，".join(parts) + "。"

    general = [
        "（一）政府信息主动公开情况",
        f"{y}年，{subject}坚持以公开为常态、不公开为例外，依托{platform}主动公开政府信息{published}条，{norm_text}。"
        + rng.choice(
            (
                "围绕重点领域信息公开，及时发布政策文件、工作动态和公示公告。",
                "加强政策解读，做到政策文件与解读材料同步组织、同步审签、同步部署。",
                "持续做好财政预决算、重大建设项目等重点领域信息公开。",
            )
        ),
        "（二）政府信息依申请公开情况",
        request_text,
        "（三）政府信息管理情况",
        rng.choice(
            (
                f"{we}严格落实政府信息公开属性源头认定机制，健全公开前保密审查制度，动态调整主动公开基本目录。",
                f"{we}建立健全信息发布审核机制，坚持“先审后发”，确保公开信息准确、规范。",
            )
        ),
        "（四）政府信息公开平台建设情况",
        f"持续优化{rep.site}门户网站政府信息公开专栏，及时更新机构职能、政策文件、工作动态等栏目内容，"
        + rng.choice(("提升平台集约化水平。", "发挥政务新媒体传播作用。")),
        "（五）监督保障情况",
        rng.choice(
            (
                "调整充实政府信息公开工作领导小组，明确专人负责，将政务公开纳入年度工作考核。",
                "组织开展政务公开业务培训，加强工作督促检查，全年未发生因政务公开工作不到位被追责的情况。",
            )
        ),
    ]

    if rep.format_version == "2021":
        lic, pen, coer = (int(v[f"t2.{r}.decisions"]) for r in ("licensing", "penalty", "coercion"))
        fee = v["t2.fees.amount"]
        if not any((lic, pen, coer)) and not any(norm) and fee == 0:
            s2 = f"{y}年，{we}没有以本单位名义制作规章和规范性文件，行政许可、行政处罚、行政强制处理决定数量均为零，无行政事业性收费。"
        else:
            s2 = (
                f"{y}年，{subject}{norm_text}；作出行政许可决定{lic}件、行政处罚决定{pen}件、行政强制决定{coer}件"
                + (f"；行政事业性收费{fee}万元。" if fee else "；无行政事业性收费。")
            )
    else:
        amount = v["t2.central_procurement.amount"]
        projects = int(v["t2.central_procurement.projects"])
        s2 = f"{y}年，{subject}{norm_text}。" + (
            f"政府集中采购项目{projects}项，采购总金额{amount}万元。"
            if projects
            else "未开展政府集中采购。"
        )

    s3 = request_text if new or carried else f"{y}年，{we}未收到政府信息公开申请。"
    rec = int(v["t4.reconsideration.total"])
    lit = int(v["t4.litigation_direct.total"]) + int(v["t4.litigation_after_reconsideration.total"])
    if rec == 0 and lit == 0:
        s4 = f"{y}年，{we}未发生因政府信息公开引起的行政复议、行政诉讼。"
    else:
        s4 = (
            f"{y}年，{subject}因政府信息公开被申请行政复议{rec}件，"
            f"其中结果维持{int(v['t4.reconsideration.upheld'])}件、结果纠正{int(v['t4.reconsideration.corrected'])}件、"
            f"其他结果{int(v['t4.reconsideration.other'])}件、尚未审结{int(v['t4.reconsideration.pending'])}件；"
            f"被提起行政诉讼{lit}件，其中未经复议直接起诉{int(v['t4.litigation_direct.total'])}件、"
            f"复议后起诉{int(v['t4.litigation_after_reconsideration.total'])}件。"
        )

    s5 = [
        f"{y - 1}年度存在的问题："
        + rng.choice(
            ("政策解读形式较为单一。", "部分栏目更新不够及时。", "工作人员业务能力有待提升。")
        ),
        "本年度改进情况："
        + rng.choice(
            ("丰富图解、视频等解读形式，解读质量有所提升。", "建立栏目更新台账，定期检查更新情况。")
        ),
        f"{y}年度存在的问题："
        + rng.choice(
            (
                "主动公开的深度和广度仍需拓展。",
                "依申请公开答复规范化水平有待提高。",
                "信息公开与群众需求的精准对接还不够。",
            )
        ),
        "下步改进举措："
        + rng.choice(
            ("加强业务培训，提升工作人员依法公开意识和能力。", "进一步细化公开标准，拓展公开范围。")
        ),
    ]
    fee_line = (
        f"{y}年，{we}未收取信息处理费。"
        if rep.format_version == "2021"
        else f"{y}年，{we}未收取政府信息公开相关费用。"
    )
    s6 = [
        "（一）政府信息处理费收取情况" if rep.format_version == "2021" else "（一）收费情况",
        fee_line,
        "（二）建议提案办理结果公开情况",
        rng.choice(
            (
                f"{y}年，{we}未承办人大代表建议和政协提案。",
                "本年度承办的人大代表建议和政协提案均已按期办结，并公开办理复文。",
            )
        ),
    ]
    return {
        SECTION_TITLES[0]: general,
        SECTION_TITLES[1]: [s2],
        SECTION_TITLES[2]: [s3],
        SECTION_TITLES[3]: [s4],
        SECTION_TITLES[4]: s5,
        SECTION_TITLES[5]: s6,
    }


def _preamble(rng: random.Random, rep: SynthReport) -> str:
    notice = (
        "国办公开办函〔2021〕30号" if rep.format_version == "2021" else "国办公开办函〔2019〕60号"
    )
    who = f"{rep.site}办公室" if rep.scope == "aggregate" else rep.agency
    area = rng.choice(("027", "0716", "0710"))
    phone = f"{area}-{rng.randint(80000000, 89999999)}"
    scope_line = "本报告数据涵盖全市各级行政机关。" if rep.scope == "aggregate" else ""
    return (
        "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
        f"《中华人民共和国政府信息公开工作年度报告格式》（{notice}）要求编制。"
        "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
        f"{scope_line}本报告所列数据的统计期限为{rep.year}年1月1日至{rep.year}年12月31日。"
        f"本报告电子版可在{rep.site}门户网站查阅或下载。如对本报告有疑问，请与{who}联系（联系电话：{phone}）。"
    )


# --------------------------------------------------------------------------- public API


def make_report(
    rng: random.Random,
    agency: str,
    year: int,
    fmt: str | None = None,
    scale: float | None = None,
    *,
    scope: str | None = None,
    profile: str | None = None,
    prev: SynthReport | None = None,
    published_on: dt.date | None = None,
) -> SynthReport:
    """One consistent report.

    `scale` is the expected number of new requests (default: by agency kind, inferred from
    the name unless `profile` names one of PROFILES). `prev`, the same agency's report on
    the year before, chains the carry-overs (see `make_series`).
    """
    fmt = fmt or format_for_year(year)
    if fmt not in spec.FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    p = PROFILES[profile or infer_profile(agency)]
    scale = p.requests if scale is None else scale
    scope = scope or ("aggregate" if p.aggregate else "agency")
    carried = None
    if prev is not None:
        carried = {c: int(prev.values[f"t3.carried_forward.{c}"]) for c in APPLICANT_COLS}
    values: dict[str, Number] = {}
    values.update(_t2_2021(rng, p, prev) if fmt == "2021" else _t2_2019(rng, p, prev))
    values.update(_t3(rng, fmt, scale, carried))
    values.update(_t4(rng, p, scale))
    # items.csv order, so iteration over values follows the printed tables.
    values = {k: values[k] for k in item_keys(fmt)}
    if published_on is None:
        # The regulation wants reports out by 31 January; stragglers run into March.
        month = rng.choice((1, 1, 1, 1, 2, 3))
        published_on = dt.date(year + 1, month, rng.randint(5, 28))
    rep = SynthReport(
        agency=agency,
        year=year,
        format_version=fmt,
        published_on=published_on,
        scope=scope,
        values=values,
        profile=p.name,
        site=site_owner(agency),
    )
    rep.preamble = _preamble(rng, rep)
    rep.sections = _sections(rng, rep, p)
    return rep


def make_series(
    rng: random.Random,
    agency: str,
    years: Sequence[int],
    scale: float | None = None,
    *,
    scope: str | None = None,
    profile: str | None = None,
) -> list[SynthReport]:
    """Consecutive reports of one agency: 上年结转 = last year's 结转下年度, and (2021+)
    现行有效 = last 现行有效 + 制发 − 废止 (2019: 对外公开总数 and 项目数量 chain likewise)."""
    out: list[SynthReport] = []
    prev: SynthReport | None = None
    for year in sorted(years):
        linked = prev if prev is not None and prev.year == year - 1 else None
        rep = make_report(rng, agency, year, scale=scale, scope=scope, profile=profile, prev=linked)
        out.append(rep)
        prev = rep
    return out
