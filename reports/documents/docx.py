"""The Word builder: one ``Document`` of ``content`` as a ``.docx`` in the layout of a Chinese
government document (GB/T 9704): A4, margins 37/35/28/26 mm, body in 仿宋 三号, title in 方正小标宋
二号 (黑体 where the font is missing), headings in 黑体, tables in 宋体 with borders, the issuing
body and the date at the bottom right with room for the seal. Fonts are set for East Asian text
(``w:eastAsia``), which Word uses for Chinese characters."""

from __future__ import annotations

import io
import re

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from .content import Block, Document, Table, zh_date

BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
# Fonts an office may lack, with the one Word should use instead (written into the font table).
FALLBACKS = {TITLE_FONT: HEADING_FONT, BODY_FONT: TABLE_FONT}
RED = RGBColor(0xC0, 0x00, 0x00)
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["left"] - MARGINS["right"]
BODY_SIZE, TITLE_SIZE, TABLE_SIZE = Pt(16), Pt(22), Pt(12)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML 1.0 cannot hold: a reason or a name typed with one must not break the file.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return NOT_XML.sub("", value)


def set_font(run_or_style, name: str, size=None, *, bold: bool | None = None, color=None) -> None:
    """``name`` for Latin and East Asian text alike (``w:ascii``, ``w:hAnsi``, ``w:eastAsia``)."""
    font = run_or_style.font
    font.name = name
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _font_table_fallbacks(doc) -> None:
    """Name a substitute for each font an office may not have (``w:altName`` in the font table)."""
    for part in doc.part.package.iter_parts():
        if str(part.partname) != "/word/fontTable.xml":
            continue
        root = parse_xml(part.blob)
        for name, alt in FALLBACKS.items():
            root.append(
                parse_xml(
                    f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                    '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
                )
            )
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)


def _paragraph(
    doc, text: str, *, font=BODY_FONT, size=BODY_SIZE, align=None, indent=False, bold=None, color=None
):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    set_font(p.add_run(_text(text)), font, size, bold=bold, color=color)
    return p


def _red_rule(paragraph) -> None:
    """The red line under the red head (a bottom border of the paragraph)."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f"<w:pBdr {nsdecls('w')}>"
            '<w:bottom w:val="single" w:sz="18" w:space="6" w:color="C00000"/></w:pBdr>'
        )
    )


def _cell(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    set_font(p.add_run(_text(text)), TABLE_FONT, TABLE_SIZE, bold=bold)


def _table(doc, table: Table) -> None:
    if table.is_empty:
        _paragraph(doc, table.empty, indent=True)
        return
    ncols = len(table.columns)
    t = doc.add_table(rows=1, cols=ncols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    whole = sum(table.widths)
    widths = [int(TEXT_WIDTH * w / whole) for w in table.widths]
    for i, name in enumerate(table.columns):
        _cell(t.rows[0].cells[i], name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(t.rows[0])
    for group in table.groups:
        if group.label:
            cells = t.add_row().cells
            merged = cells[0].merge(cells[-1])
            _cell(merged, group.label, bold=True)
        for values in group.rows:
            cells = t.add_row().cells
            for i, value in enumerate(values):
                _cell(cells[i], value)
    if table.total_row:
        cells = t.add_row().cells
        for i, value in enumerate(table.total_row):
            _cell(cells[i], value, bold=True)
    for row in t.rows:
        for i, cell in enumerate(row.cells[:ncols]):
            cell.width = widths[min(i, ncols - 1)]


def _repeat_header(row) -> None:
    """The header row repeats at the top of every page the table runs onto."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(parse_xml(f'<w:tblHeader {nsdecls("w")} w:val="true"/>'))


def _block(doc, block: Block) -> None:
    if block.kind == "addressee":
        if block.text:
            _paragraph(doc, block.text)
    elif block.kind == "p":
        _paragraph(doc, block.text, indent=True)
    elif block.kind == "h":
        _paragraph(doc, block.text, font=HEADING_FONT, indent=True)
    elif block.kind == "note":
        _paragraph(doc, block.text, size=TABLE_SIZE, indent=True)
    elif block.kind == "table":
        _table(doc, block.table)
    elif block.kind == "signatures":
        doc.add_paragraph()
        for line in block.lines:
            _paragraph(doc, f"{line}{'　' * 10}")


def build_docx(document: Document) -> bytes:
    doc = new_docx()
    _page(doc)
    _font_table_fallbacks(doc)
    doc.core_properties.title = _text(document.title)
    doc.core_properties.author = _text(document.issuer) or "四级联创"
    if document.red_head:
        _paragraph(
            doc, document.red_head, font=TITLE_FONT, size=Pt(36), align=WD_ALIGN_PARAGRAPH.CENTER, color=RED
        )
    if document.number:
        number = _paragraph(doc, document.number, align=WD_ALIGN_PARAGRAPH.CENTER)
        if document.red_head:
            _red_rule(number)
    elif document.red_head:
        _red_rule(doc.paragraphs[-1])
    doc.add_paragraph()
    title = _paragraph(doc, document.title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(36)
    doc.add_paragraph()
    for block in document.blocks:
        _block(doc, block)
    if document.issuer:
        for _ in range(3 if document.seal else 1):  # room for the seal
            doc.add_paragraph()
        for text in (document.issuer, zh_date(document.date)):
            p = _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(64)  # four characters from the right margin
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
