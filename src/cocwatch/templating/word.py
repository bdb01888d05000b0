"""Letters as Word documents for a UK office: A4, British English, one font family, headings,
paragraphs, lists, and every web address a real hyperlink.

python-docx is imported only when a document is built; its failures become `InputError`.
May import `.text` (the Markdown blocks) and `cocwatch.errors`.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cocwatch.errors import InputError
from cocwatch.templating.text import inline_runs, parse_blocks, plain_inline

if TYPE_CHECKING:
    from cocwatch.templating.rendered import RenderedLetter

DOCX_FONT = "Arial"  # one family for headings and body; LibreOffice's Liberation Sans matches it
DOCX_LANGUAGE = "en-GB"  # so Word and LibreOffice spell-check in British English
VALEDICTIONS = frozenset({"Yours sincerely", "Yours faithfully", "Yours sincerely,"})
SIGNATURE_SPACE_CM = 2.0  # about four lines of 11 pt text
_URL = re.compile(r"https?://[^\s<>()]*[^\s<>().,;:!?'\"]")


def to_docx(
    markdown: str,
    *,
    title: str,
    author: str | None,
    on: date,
    subject: str | None = None,
    placeholders: Sequence[str] = (),
) -> bytes:
    """The letter as a Word document for a UK office: A4, British English, one font family,
    headings, paragraphs, lists, and every web address a real hyperlink.

    Each of `placeholders` (the texts of the details left to fill in) is highlighted in
    yellow wherever it appears, so that none can be printed by mistake; the sign-off and the
    list of references are kept on one page where they fit.
    """
    from docx import Document
    from docx.shared import Cm

    try:
        doc = Document(io.BytesIO(_letterhead()))
        props = doc.core_properties
        props.title = title
        props.subject = subject or title
        props.author = author or ""
        props.last_modified_by = author or ""
        props.language = DOCX_LANGUAGE
        moment = datetime(on.year, on.month, on.day)
        props.created = moment
        props.modified = moment
        props.revision = 1
        to_fill_in = _placeholder_pattern(placeholders)
        # A paragraph's style is set by its id, each id looked up once: given a style or its
        # name, python-docx searches the document's styles twice a paragraph (a third of a
        # letter's time went there).
        style_ids: dict[str, str] = {}

        def styled(para: Any, name: str) -> Any:
            if name not in style_ids:
                style_ids[name] = doc.styles[name].style_id
            para._p.style = style_ids[name]
            return para

        for block in parse_blocks(markdown):
            if block.kind == "rule":
                continue
            if block.kind == "heading":
                heading = f"Heading {min(block.level, 4)}"
                styled(doc.add_paragraph(plain_inline(block.lines[0])), heading)
                continue
            if block.kind == "bullet":
                para = styled(doc.add_paragraph(), "List Bullet")
            else:
                para = doc.add_paragraph()
            if block.kind == "number":
                para.paragraph_format.left_indent = Cm(0.9)
                para.paragraph_format.first_line_indent = Cm(-0.9)
                para.add_run(f"{block.number}.\t")
            if block.kind == "para" and plain_inline(block.lines[-1]).strip() in VALEDICTIONS:
                # Room for a handwritten signature between "Yours sincerely" and the name.
                para.paragraph_format.space_after = Cm(SIGNATURE_SPACE_CM)
            for i, line in enumerate(block.lines):
                run = None
                for text, bold, italic in inline_runs(line):
                    for piece, to_fill in _pieces(text, to_fill_in):
                        run = _docx_add_text(para, piece, bold=bold, italic=italic)
                        if to_fill:
                            _docx_highlight(run)
                if i < len(block.lines) - 1:
                    (run or para.add_run()).add_break()
        _docx_keep_the_end_together(doc)
        buffer = io.BytesIO()
        doc.save(buffer)
        data = _dated_zip(buffer.getvalue(), on)
    except Exception as exc:  # python-docx raises assorted errors; none is the user's doing
        raise InputError(f"Could not build the Word document '{title}': {exc}.") from exc
    return data


@functools.lru_cache(maxsize=1)
def _letterhead() -> bytes:
    """The empty document every letter starts from: A4 with 2.5 cm margins, one font family
    and British English in every style, 11 pt text, page numbers. Made once a run (making it
    took a sixth of each letter's time)."""
    from docx import Document
    from docx.shared import Cm, Mm, Pt

    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    _docx_one_font_and_language(doc)
    _docx_page_numbers(doc)
    doc.styles["Normal"].font.size = Pt(11)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _placeholder_pattern(placeholders: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the placeholders' texts (the longest first)."""
    texts = sorted({p for p in placeholders if p}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in texts)) if texts else None


def _pieces(text: str, pattern: re.Pattern[str] | None) -> list[tuple[str, bool]]:
    """`text` split into (piece, is a placeholder) pairs, in order."""
    if pattern is None:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for found in pattern.finditer(text):
        if found.start() > pos:
            pieces.append((text[pos : found.start()], False))
        pieces.append((found.group(0), True))
        pos = found.end()
    if pos < len(text) or not pieces:
        pieces.append((text[pos:], False))
    return pieces


def _docx_highlight(run: Any) -> None:
    """Mark a run as a detail to fill in: highlighted in yellow, as Word's highlighter does."""
    from docx.enum.text import WD_COLOR_INDEX

    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _docx_keep_the_end_together(doc: Any) -> None:
    """Keep the letter's last paragraph, the sign-off, the cc line and the references on one
    page where they fit, so no page holds only references or starts with "Yours sincerely"
    (Word's and LibreOffice's "keep with next")."""
    paragraphs = list(doc.paragraphs)
    texts = [p.text.strip() for p in paragraphs]
    ends = [i for i, text in enumerate(texts) if text in VALEDICTIONS]
    start = ends[-1] - 1 if ends else None
    if start is None:
        heads = [i for i, text in enumerate(texts) if text == "References"]
        start = heads[-1] if heads else None
    if start is None:
        return
    for para in paragraphs[max(start, 0) : -1]:
        para.paragraph_format.keep_with_next = True
        para.paragraph_format.keep_together = True


def _dated_zip(data: bytes, on: date) -> bytes:
    """The same document with every part dated `on`, so one letter always gives the same bytes.

    python-docx stamps each part with the time it was written: two builds a second apart would
    differ though nothing in the letter did.
    """
    import zipfile

    stamp = (on.year, on.month, on.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def _docx_page_numbers(doc: Any) -> None:
    """ "Page N of M" centred in each section's footer, as Word fields (updated as it opens)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    for section in doc.sections:
        para = section.footer.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run("Page ")
        _docx_field(para, "PAGE", "1", qn)
        para.add_run(" of ")
        _docx_field(para, "NUMPAGES", "1", qn)


def _docx_field(para: Any, instruction: str, shown: str, qn: Any) -> None:
    """A simple field (PAGE, NUMPAGES) showing `shown` until the word processor updates it."""
    field = para._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): f" {instruction} "})
    run = field.makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:t"), {})
    text.text = shown
    run.append(text)
    field.append(run)
    para._p.append(field)


def _docx_one_font_and_language(doc: Any) -> None:
    """Every style in `DOCX_FONT` (no theme fonts) and `DOCX_LANGUAGE`; headings in black."""
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    if run_defaults.find(qn("w:lang")) is None:
        run_defaults.append(run_defaults.makeelement(qn("w:lang"), {}))
    for fonts in styles.iter(qn("w:rFonts")):
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), DOCX_FONT)
    for lang in styles.iter(qn("w:lang")):
        for slot in ("w:val", "w:eastAsia"):
            lang.set(qn(slot), DOCX_LANGUAGE)
    for color in styles.iter(qn("w:color")):
        for theme in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(theme), None)
        color.set(qn("w:val"), "000000")
    # List bullets: the template draws them from the Symbol font; a plain "•" needs no other.
    for level in doc.part.numbering_part.element.iter(qn("w:lvl")):
        number_format = level.find(qn("w:numFmt"))
        if number_format is None or number_format.get(qn("w:val")) != "bullet":
            continue
        level.find(qn("w:lvlText")).set(qn("w:val"), "•")
        for fonts in level.iter(qn("w:rFonts")):
            fonts.attrib.clear()
            for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(slot), DOCX_FONT)


def _docx_add_text(para: Any, text: str, *, bold: bool, italic: bool) -> Any:
    """Add `text` to the paragraph, its web addresses as hyperlinks; return the last run."""
    run = None
    pos = 0
    for m in _URL.finditer(text):
        if m.start() > pos:
            run = _docx_run(para, text[pos : m.start()], bold=bold, italic=italic)
        run = _docx_hyperlink(para, m.group(0), bold=bold, italic=italic)
        pos = m.end()
    if pos < len(text) or run is None:
        run = _docx_run(para, text[pos:], bold=bold, italic=italic)
    return run


def _docx_run(para: Any, text: str, *, bold: bool, italic: bool) -> Any:
    run = para.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    return run


def _docx_hyperlink(para: Any, url: str, *, bold: bool, italic: bool) -> Any:
    """A clickable link showing the address itself, blue and underlined as Word shows one."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.shared import RGBColor
    from docx.text.run import Run

    rel_id = para.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = para._p.makeelement(qn("w:hyperlink"), {qn("r:id"): rel_id, qn("w:history"): "1"})
    para._p.append(link)
    run = Run(link.makeelement(qn("w:r"), {}), para)
    link.append(run._r)
    run.text = url
    run.bold = bold or None
    run.italic = italic or None
    run.underline = True
    run.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    return run


def docx_bytes(letter: RenderedLetter) -> bytes:
    """The letter as a Word document, dated and signed as the letter is, its placeholders
    highlighted."""
    ctx = letter.context
    return to_docx(
        letter.markdown,
        title=letter.subject,
        author=ctx.sender.name,
        on=ctx.date,
        placeholders=[p.text for p in letter.placeholders],
    )
