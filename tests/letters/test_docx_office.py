"""Word letters for UK offices: A4, British English, one font family, real hyperlinks.

Checked twice: in the document's own XML (python-docx), and as LibreOffice reads and prints it
(`soffice --headless --convert-to pdf`), the nearest thing here to opening it in Word. The
letters are drafted from the fictional demo registry.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.paths import DEMO

Run = Callable[..., Result]
A4_POINTS = (595.28, 841.89)
SOURCE_URL = "https://example.org/demo/coast/foi-reply"  # cited in the demo Trust's letter


@pytest.fixture
def letter(run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "board-example-coast.docx"
    result = run("-r", str(DEMO), "letter", "board", "example-coast", "--out", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_docx_is_a4_british_english_one_font(letter: Path) -> None:
    from docx import Document
    from docx.shared import Mm

    doc = Document(str(letter))
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.5)
        assert abs(section.page_height - Mm(297)) < Mm(0.5)
    assert doc.core_properties.language == "en-GB"
    styles = zipfile.ZipFile(letter).read("word/styles.xml").decode("utf-8")
    languages = set(re.findall(r'<w:lang w:val="([^"]+)"', styles))
    assert languages == {"en-GB"}
    assert "Theme=" not in styles.replace("w:themeColor", "")  # no theme (Calibri) fonts
    fonts = set(re.findall(r'w:(?:ascii|hAnsi)="([^"]+)"', styles))
    assert fonts == {"Arial"}


def test_docx_source_addresses_are_hyperlinks(letter: Path) -> None:
    package = zipfile.ZipFile(letter)
    rels = package.read("word/_rels/document.xml.rels").decode("utf-8")
    body = package.read("word/document.xml").decode("utf-8")
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*hyperlink" Target="([^"]+)"', rels))
    assert SOURCE_URL in targets.values()
    linked = re.findall(r'<w:hyperlink r:id="(rId\d+)"', body)
    assert {targets[r] for r in linked} == set(targets.values())


def _soffice(source: Path, fmt: str, out: Path, profile: Path) -> Path:
    """Convert with LibreOffice, in a profile of its own (runs in parallel do not collide)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", fmt, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    converted = out / f"{source.stem}.{fmt}"
    assert converted.is_file(), done.stdout + done.stderr
    return converted


def test_libreoffice_prints_it_on_a4_with_the_text_in_one_font(
    letter: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    pdf = PdfReader(_soffice(letter, "pdf", tmp_path / "out", tmp_path / "profile"))
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    text = " ".join(page.extract_text() for page in pdf.pages)
    text = re.sub(r"\s+", " ", text)
    for expected in ("Example Coast University Hospitals NHS Trust", "References", SOURCE_URL):
        assert expected in text
    families = set()
    for page in pdf.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/")
            families.add(name.split("+")[-1].split("-")[0])
    assert len(families) == 1, families


def test_libreoffice_reads_the_sources_as_links(letter: Path, tmp_path: Path) -> None:
    odt = _soffice(letter, "odt", tmp_path / "out", tmp_path / "profile")
    content = zipfile.ZipFile(odt).read("content.xml").decode("utf-8")
    assert f'xlink:href="{SOURCE_URL}"' in content


def test_docx_has_page_numbers_room_to_sign_and_a_titled_salutation(
    run: Run, tmp_path: Path
) -> None:
    from docx import Document
    from docx.shared import Cm

    registry = tmp_path / "trusts.yaml"
    text = DEMO.read_text("utf-8")
    assert "honorific" not in text
    named = text.replace(
        "{role: chief_executive, name: Jamie Instance}",
        "{role: chief_executive, name: Jamie Instance, honorific: Ms}",
    )
    assert named != text
    registry.write_text(named, "utf-8")
    path = tmp_path / "letter.docx"
    result = run("-r", str(registry), "letter", "board", "example-coast", "--out", str(path))
    assert result.exit_code == 0, result.output
    doc = Document(str(path))
    footer = doc.sections[0].footer._element.xml
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    paragraphs = doc.paragraphs
    (closing,) = [p for p in paragraphs if p.text.startswith("Yours ")]
    assert closing.paragraph_format.space_after >= Cm(1.5)
    (greeting,) = [p for p in paragraphs if p.text.startswith("Dear ")]
    assert greeting.text == "Dear Ms Instance"


def test_every_placeholder_is_highlighted_and_listed(run: Run, tmp_path: Path) -> None:
    """A Word draft cannot go out unfinished by mistake: each detail left to fill in is
    highlighted in yellow (and named in the warning); nothing else is."""
    from docx import Document

    path = tmp_path / "board.docx"
    result = run("letter", "board", "stockport", "--out", str(path))
    assert result.exit_code == 0, result.output
    listed = re.search(r"placeholders to fill in before sending: (.+?)\. Record", result.stderr)
    assert listed is not None
    placeholders = listed.group(1).split("; ")
    assert "[Your name]" in placeholders and any("experience" in p for p in placeholders)
    highlighted: list[str] = []
    plain: list[str] = []
    for para in Document(str(path)).paragraphs:
        for run_ in para.runs:
            (highlighted if run_.font.highlight_color is not None else plain).append(run_.text)
    labels = {text.split(":")[0].rstrip("]") + "]" for text in highlighted}  # "[Label: hint]"
    assert sorted(labels) == sorted(placeholders)
    for listed_text in placeholders:
        assert not any(listed_text.rstrip("]") in text for text in plain), listed_text


def test_the_references_stay_with_the_end_of_the_letter(run: Run, tmp_path: Path) -> None:
    """The shipped registry's RJ1 Board letter runs to three pages: the last holds the end
    of the letter and its sign-off with the references, never the references alone."""
    from pypdf import PdfReader

    path = tmp_path / "board-rj1.docx"
    assert run("letter", "board", "rj1", "--out", str(path)).exit_code == 0
    pdf = PdfReader(_soffice(path, "pdf", tmp_path / "out", tmp_path / "profile"))
    pages = [" ".join(page.extract_text().split()) for page in pdf.pages]
    (with_references,) = [text for text in pages if "References 1." in text]
    assert "Yours faithfully" in with_references
    assert "I would be grateful for a reply by" in with_references
