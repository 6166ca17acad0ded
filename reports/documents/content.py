"""The words and tables of each document, built once and rendered twice: by the print template
and by the Word builder (``docx``), so the page and the file cannot disagree. Documents are
Chinese whatever the reader's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.models import Round
from orgs.models import Organisation
from orgs.rules import LEVEL_DEPTH, LEVELS

from .selectors import Circular, Issuer, NoticeList, Unit

CAMPAIGN = "“四级联创”"
TITLE_ZH = {"standard": "达标", "demonstration": "示范"}
LEVEL_NOUN = {
    "county": "县（市、区）",
    "township": "乡镇（街道）",
    "village": "村（社区）",
    "group": "村（居）民小组",
}
ADDRESSEE = {
    "city": "各县（市、区）委组织部：",
    "county": "各乡镇（街道）党（工）委：",
    "township": "各村（社区）党组织：",
    "village": "各村（居）民小组党组织：",
}
NUMERALS = "一二三四五六七八九十"
GROUPED_BY = ("county", "township")
BLANK = "＿＿＿＿＿＿＿＿"


def zh_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else BLANK


def score_text(value: Decimal | None, places: bool = True) -> str:
    """A stored total as stored (two places), a raw score without trailing zeros; — for none."""
    if value is None:
        return "—"
    return f"{value}" if places else format(value.normalize(), "f")


@dataclass
class RowGroup:
    label: str | None
    rows: list[list[str]]


@dataclass
class Table:
    columns: list[str]
    widths: list[int]  # relative widths, for the Word table
    groups: list[RowGroup]
    empty: str = "无。"
    total_row: list[str] | None = None

    @property
    def percents(self) -> list[str]:
        """The relative widths as CSS percentages, for the print page's columns."""
        whole = sum(self.widths)
        return [f"{w * 100 / whole:.1f}%" for w in self.widths]

    @property
    def is_empty(self) -> bool:
        return not any(g.rows for g in self.groups)


@dataclass
class Block:
    kind: str  # "p" (body text), "h" (a heading in the body), "addressee", "note", "table", "signatures"
    text: str = ""
    table: Table | None = None
    lines: list[str] = field(default_factory=list)


@dataclass
class Document:
    kind: str  # notice, naming, circular, score_sheet
    title: str
    blocks: list[Block]
    issuer: str
    date: dt.date | None
    filename: str
    red_head: str | None = None
    number: str | None = None
    seal: bool = True  # leave room for the 印章 above the issuing body

    @property
    def date_text(self) -> str:
        return zh_date(self.date)


def document_number(issuer: Issuer, year: int, serial: int | None) -> str | None:
    """玉组通〔2024〕12号; the serial left blank for the office to fill in when not given; None
    when the unit numbers no documents."""
    if not issuer.number_prefix:
        return None
    return f"{issuer.number_prefix}〔{year}〕{serial if serial is not None else '　　'}号"


def scope_name(org: Organisation) -> str:
    """The issuing unit as a heading names it: 玉溪市, 通海县, 通海县里山彝族乡."""
    if org.level in ("city", "county"):
        return org.name
    return "".join(n for n in (_county_name(org), org.name) if n)


def _county_name(org: Organisation) -> str | None:
    return org.county.name if org.county_id else None


def _level_noun(level: str | None) -> str:
    return LEVEL_NOUN[level] if level else ""


def _display_name(u: Unit, org: Organisation) -> str:
    """A group is named with its village unless the document is the village's own."""
    if u.level == "group" and u.village and org.level != "village":
        return f"{u.village}{u.name}"
    return u.name


def _group_label(u: Unit, org: Organisation) -> str | None:
    parts = [
        getattr(u, lvl)
        for lvl in GROUPED_BY
        if LEVEL_DEPTH[lvl] > LEVEL_DEPTH[org.level] and LEVEL_DEPTH[lvl] < LEVEL_DEPTH[u.level]
    ]
    parts = [p for p in parts if p]
    return " · ".join(parts) if parts else None


def _grouped(units: list[Unit], org: Organisation, row) -> list[RowGroup]:
    """Rows grouped by county and township (those below the issuing unit), numbered on."""
    groups: dict[str | None, RowGroup] = {}
    for u in units:
        label = _group_label(u, org)
        groups.setdefault(label, RowGroup(label, [])).rows.append(row(u))
    n = 0
    for g in groups.values():
        for r in g.rows:
            n += 1
            r.insert(0, str(n))
    return list(groups.values())


def _by_level(units: list[Unit], level: str | None) -> list[tuple[str | None, list[Unit]]]:
    """One part per level present (in tree order of levels), or one part when a level was chosen."""
    if level is not None:
        return [(level, units)]
    return [
        (lvl, [u for u in units if u.level == lvl]) for lvl in LEVELS if any(u.level == lvl for u in units)
    ]


def _unit_tables(units, org, level, columns, widths, row, empty) -> list[Block]:
    parts = _by_level(units, level)
    if not parts:
        return [Block("table", table=Table(columns, widths, [], empty=empty))]
    blocks = []
    for i, (lvl, part) in enumerate(parts):
        if len(parts) > 1:
            blocks.append(Block("h", f"{NUMERALS[i]}、{LEVEL_NOUN[lvl]}党组织（{len(part)}个）"))
        blocks.append(Block("table", table=Table(columns, widths, _grouped(part, org, row), empty=empty)))
    return blocks


# ---------------------------------------------------------------------------------------------
# The three documents of a round


def notice_document(
    *,
    org: Organisation,
    round_: Round,
    target: str,
    level: str | None,
    notices: NoticeList,
    issuer: Issuer,
    serial: int | None,
    objection_url: str,
    today: dt.date,
) -> Document:
    title_word, noun, n = TITLE_ZH[target], _level_noun(level), len(notices.units)
    period = f"{zh_date(notices.starts)}至{zh_date(notices.ends)}"
    blocks = [
        Block(
            "p",
            f"根据{CAMPAIGN}工作安排，按照单位申报、自评、上级党组织评审、验收和复核等程序，"
            + (
                f"{round_.year}年度拟命名以下{n}个党组织为{CAMPAIGN}{title_word}{noun}党组织，现予以公示。"
                if n
                else f"{round_.year}年度暂无拟命名为{CAMPAIGN}{title_word}{noun}党组织的单位。"
            ),
        ),
        Block("p", f"公示时间：{period}" + ("（各单位公示期见名单）。" if notices.periods_differ else "。")),
        Block(
            "p",
            f"公示期间，对公示对象有异议的，可通过来电、来信、来访等方式向{issuer.body}反映，"
            f"也可登录 {objection_url} 在线提出异议。反映问题要实事求是、客观公正，"
            "以个人名义反映的提倡署真实姓名，以单位名义反映的应加盖单位公章。",
        ),
        Block(
            "p",
            f"联系电话及地址：{issuer.contact_line}"
            if issuer.contact_line
            else f"联系电话：{BLANK}　地址：{BLANK}",
        ),
        Block("h", f"{CAMPAIGN}{title_word}{noun}党组织公示名单"),
    ]
    columns = ["序号", "单位名称", "最终得分"] + (["公示期"] if notices.periods_differ else [])
    widths = [1, 6, 2] + ([4] if notices.periods_differ else [])

    def row(u: Unit) -> list[str]:
        cells = [_display_name(u, org), score_text(u.score)]
        if notices.periods_differ:
            cells.append(f"{u.facts['starts']:%m月%d日}—{u.facts['ends']:%m月%d日}")
        return cells

    blocks += _unit_tables(notices.units, org, level, columns, widths, row, "暂无公示对象。")
    return Document(
        kind="notice",
        title=f"关于{scope_name(org)}{CAMPAIGN}{title_word}{noun}党组织的公示",
        blocks=blocks,
        issuer=issuer.body,
        date=notices.starts or today,
        filename=f"{round_.year}-{target}-公示-{org.code}.docx",
        number=document_number(issuer, round_.year, serial),
    )


def naming_document(
    *,
    org: Organisation,
    round_: Round,
    target: str,
    level: str | None,
    units: list[Unit],
    issuer: Issuer,
    serial: int | None,
    today: dt.date,
) -> Document:
    title_word, noun, n = TITLE_ZH[target], _level_noun(level), len(units)
    blocks = [
        Block("addressee", ADDRESSEE.get(org.level, "")),
        Block(
            "p",
            f"{round_.year}年，各级党组织按照“村评组、乡评村、县评乡、市评县”的方式，自下而上开展{CAMPAIGN}"
            f"达标示范创建。经单位申报、自评、上级党组织评审、验收、复核和公示，{issuer.body}决定，"
            + (
                f"命名以下{n}个党组织为{round_.year}年度{CAMPAIGN}{title_word}{noun}党组织。"
                if n
                else f"本年度暂无命名为{CAMPAIGN}{title_word}{noun}党组织的单位。"
            ),
        ),
        Block(
            "p",
            "希望受到命名的党组织珍惜荣誉、再接再厉，持续发挥示范带动作用。对已命名但责任落实不力、"
            "工作停滞不前、示范作用不好的，将按照动态管理要求予以通报批评、限期整改，直至摘牌。",
        ),
        Block("h", f"{round_.year}年度{CAMPAIGN}{title_word}{noun}党组织名单"),
    ]

    def row(u: Unit) -> list[str]:
        return [_display_name(u, org), score_text(u.score), zh_date(u.facts["granted"])]

    blocks += _unit_tables(
        units, org, level, ["序号", "单位名称", "最终得分", "命名日期"], [1, 6, 2, 3], row, "无。"
    )
    granted = [u.facts["granted"] for u in units]
    return Document(
        kind="naming",
        title=f"关于命名{round_.year}年度{scope_name(org)}{CAMPAIGN}{title_word}{noun}党组织的决定",
        blocks=blocks,
        issuer=issuer.body,
        date=max(granted) if granted else today,
        filename=f"{round_.year}-{target}-命名决定-{org.code}.docx",
        red_head=f"{issuer.body}文件",
        number=document_number(issuer, round_.year, serial),
    )


def circular_document(
    *,
    org: Organisation,
    round_: Round,
    target: str | None,
    level: str | None,
    circular: Circular,
    issuer: Issuer,
    serial: int | None,
    today: dt.date,
) -> Document:
    title_word = TITLE_ZH[target] if target else "已命名"
    noun = _level_noun(level)
    year = round_.year

    def title_of(u: Unit) -> str:
        return f"{u.facts['granted_year']}年度{TITLE_ZH[u.facts['kind']]}"

    def warned(u: Unit) -> list[str]:
        return [_display_name(u, org), title_of(u), zh_date(u.facts["date"]), u.facts["reason"]]

    def rectifying(u: Unit) -> list[str]:
        deadline = zh_date(u.facts["deadline"]) if u.facts["deadline"] else "—"
        state = "整改中" if u.facts["still_rectifying"] else "已结束"
        return [
            _display_name(u, org),
            title_of(u),
            zh_date(u.facts["date"]),
            deadline,
            state,
            u.facts["reason"],
        ]

    def revoked(u: Unit) -> list[str]:
        return [_display_name(u, org), title_of(u), zh_date(u.facts["date"]), u.facts["reason"]]

    counts = (len(circular.warned), len(circular.rectifying), len(circular.revoked))
    blocks = [
        Block("addressee", ADDRESSEE.get(org.level, "")),
        Block(
            "p",
            f"按照{CAMPAIGN}动态管理要求，{issuer.body}对已命名党组织的创建成果进行跟踪管理。{year}年度评估周期内，"
            f"对责任落实不力、工作停滞不前、示范作用不好的{counts[0]}个党组织予以通报批评，"
            f"对{counts[1]}个党组织下达限期整改要求，对{counts[2]}个党组织予以摘牌。现将有关情况通报如下。",
        ),
    ]
    parts = [
        (
            "通报批评",
            ["序号", "单位名称", "称号", "通报日期", "原因"],
            [1, 5, 3, 3, 6],
            circular.warned,
            warned,
        ),
        (
            "限期整改",
            ["序号", "单位名称", "称号", "下达日期", "整改期限", "整改情况", "原因"],
            [1, 5, 3, 3, 3, 2, 5],
            circular.rectifying,
            rectifying,
        ),
        (
            "摘牌",
            ["序号", "单位名称", "称号", "摘牌日期", "原因"],
            [1, 5, 3, 3, 6],
            circular.revoked,
            revoked,
        ),
    ]
    for i, (heading, columns, widths, units, row) in enumerate(parts):
        blocks.append(Block("h", f"{NUMERALS[i]}、{heading}（{len(units)}个）"))
        blocks.append(Block("table", table=Table(columns, widths, _grouped(units, org, row), empty="无。")))
    blocks.append(
        Block(
            "p",
            "被通报批评和限期整改的党组织要深刻反思、认真整改，在整改期限内将整改情况书面报送"
            f"{issuer.body}。各级党组织要引以为戒、举一反三，巩固拓展{CAMPAIGN}创建成果。",
        )
    )
    return Document(
        kind="circular",
        title=f"关于对{year}年度{scope_name(org)}部分{CAMPAIGN}{title_word}{noun}党组织的通报批评",
        blocks=blocks,
        issuer=issuer.body,
        date=today,
        filename=f"{year}-通报批评-{org.code}.docx",
        red_head=f"{issuer.body}文件",
        number=document_number(issuer, year, serial),
    )
