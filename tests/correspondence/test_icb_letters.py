"""Letters to an ICB (and its LMNS) in the correspondence log: `letter lmns` to `sent`,
`replied`, `due`, `answers` and the report, run as cron would.

The registry is the synthetic one of the other tests with two synthetic ICBs added: QZZ,
which both Trusts are in, and QYY, which ended on 31 March 2026. Dates are pinned and chosen
clear of UK bank holidays.
"""

from __future__ import annotations

import json
import re
import textwrap
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from cocwatch.core.correspondence import LoggedLetter
from cocwatch.registry.correspondence import CorrespondenceLogError, parse_log
from tests.correspondence.test_correspondence import campaign, cli  # noqa: F401

ICB = "NHS Example Integrated Care Board (synthetic)"
OLD_ICB = "NHS Example Old Integrated Care Board (synthetic)"
ICBS = f"""\
icbs:
  - code: QZZ
    name: {ICB}
    region: North East and Yorkshire
  - code: QYY
    name: {OLD_ICB}
    region: North East and Yorkshire
    to: 2026-03-31
"""


def with_icbs(folder: Path) -> Path:
    """The campaign's registry with the two ICBs, both Trusts in QZZ (synthetic)."""
    path = folder / "trusts.yaml"
    text = path.read_text("utf-8")
    text = text.replace("    region: South West\n", "    region: South West\n    icb: QZZ\n")
    text = text.replace(
        "    region: North East and Yorkshire\n    figures:",
        "    region: North East and Yorkshire\n    icb: QZZ\n    figures:",
    )
    path.write_text(text.replace("trusts:\n", ICBS + "trusts:\n", 1), encoding="utf-8")
    return folder


@pytest.fixture
def area(campaign: Path) -> Path:  # noqa: F811
    return with_icbs(campaign)


def test_from_the_lmns_letter_to_its_answer(area: Path) -> None:
    log = area / "correspondence.yaml"
    drafted = cli(area, "letter", "lmns", "QZZ", "--out", "lmns.md")
    assert drafted.returncode == 0, drafted.stderr
    assert (
        "Once you have sent it, log it: cocwatch sent lmns icb:QZZ --file lmns.md "
        "(add --on DATE if not today)."
    ) in drafted.stderr

    # The synthetic registry has no LMS figures: the warning names the LMNS, not a Trust.
    assert "1 letter says no figures could be found for the LMNS (icb:QZZ)." in " ".join(
        drafted.stderr.split()
    )

    nobody = cli(area, "sent", "lmns")
    assert nobody.returncode == 2
    assert "The 'lmns' letter goes to one ICB: name it: cocwatch sent lmns icb:CODE" in (
        nobody.stderr
    )
    assert not log.exists()  # nothing logged as a national letter

    sent = cli(area, "sent", "lmns", "icb:qzz", "--file", "lmns.md", "--via", "email")
    assert sent.returncode == 0, sent.stderr
    assert f"Logged the 'lmns' letter to {ICB} (icb:QZZ), sent 2027-01-11" in sent.stderr
    assert "A reply is due by 2027-02-08" in sent.stderr
    assert yaml.safe_load(log.read_text("utf-8"))["letters"] == [
        {
            "icb": "QZZ",
            "kind": "lmns",
            "sent_on": date(2027, 1, 11),
            "to": "icb_chief_executive",
            "via": "email",
            "draft": "lmns.md",
            "reply_by": date(2027, 2, 8),
        }
    ]
    # The bare code names the same ICB, as `letter lmns QZZ` takes it: the same letter twice.
    twice = cli(area, "sent", "lmns", "QZZ")
    assert twice.returncode == 2
    assert f"already has a 'lmns' letter to {ICB} sent on 2027-01-11" in twice.stderr
    # An FOI request to the ICB itself, named by its code alone (no Trust has it).
    assert cli(area, "sent", "foi", "QZZ", "--on", "2027-01-12").returncode == 0

    waiting = cli(area, "due", "icb:QZZ", "--format", "csv", today="2027-02-09")
    assert waiting.returncode == 0, waiting.stderr
    assert waiting.stdout.splitlines() == [
        "trust,kind,sent_on,reply_by,standing",
        f"{ICB},lmns,2027-01-11,2027-02-08,overdue by 1 working day",
        f"{ICB},foi,2027-01-12,2027-02-09,due today",
    ]
    as_json = json.loads(cli(area, "due", "QZZ", "--format", "json", today="2027-02-09").stdout)
    first = as_json["letters"][0]
    assert (first["trust"], first["icb"], first["body"], first["body_name"]) == (
        None,
        "QZZ",
        "icb:QZZ",
        ICB,
    )
    # Letters to the ICB are not letters to its Trusts.
    assert cli(area, "due", "example-north", today="2027-02-09").stdout.strip() == (
        "No letter is awaiting a reply."
    )

    replied = cli(
        area,
        "replied",
        "lmns",
        "icb:QZZ",
        "--on",
        "2027-02-10",
        "--summary",
        "The LMNS sent its plan",
        today="2027-02-10",
    )
    assert replied.returncode == 0, replied.stderr
    assert f"to the 'lmns' letter sent to {ICB} on 2027-01-11" in replied.stderr
    assert "record figure" not in replied.stderr  # that hint is for a Trust's FOI figures
    letters = yaml.safe_load(log.read_text("utf-8"))["letters"]
    assert letters[0]["replies"] == [
        {"received_on": date(2027, 2, 10), "summary": "The LMNS sent its plan"}
    ]
    assert "replies" not in letters[1]

    answered = cli(area, "answers", "--offline", "--format", "json", today="2027-02-10")
    assert answered.returncode == 0, answered.stderr
    rows = [
        (r["body"], r["name"], r["kind"], r["sent"], r["answered"], r["in_time"])
        for r in json.loads(answered.stdout)["answers"]
    ]
    # 11 January to 10 February: 21 working days, one after the reply-by date.
    assert rows == [("icb:QZZ", ICB, "foi", 1, 0, 0), ("icb:QZZ", ICB, "lmns", 1, 1, 0)]
    table = cli(area, "answers", "--offline", today="2027-02-10")
    assert "How each Trust or ICB answered our letters, as of 2027-02-10" in table.stdout


def test_an_icb_that_has_ended_takes_the_letters_sent_while_it_existed(area: Path) -> None:
    before = cli(area, "sent", "lmns", "icb:QYY", "--on", "2026-03-02")
    assert before.returncode == 0, before.stderr
    assert f"Logged the 'lmns' letter to {OLD_ICB} (icb:QYY), sent 2026-03-02" in before.stderr
    after = cli(area, "sent", "lmns", "icb:QYY", "--on", "2026-04-01")
    assert after.returncode == 2
    assert (
        f"{OLD_ICB} (QYY) ended on 2026-03-31, so it cannot have received a letter sent on "
        "2026-04-01"
    ) in after.stderr
    assert "--on YYYY-MM-DD" in after.stderr
    assert len(yaml.safe_load((area / "correspondence.yaml").read_text("utf-8"))["letters"]) == 1
    shown = cli(area, "due", "QYY", "--format", "json")
    assert [e["body_name"] for e in json.loads(shown.stdout)["letters"]] == [OLD_ICB]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["sent", "lmns", "icb:QXX"],
            "No ICB in the registry is called 'icb:QXX'. `cocwatch icbs` lists them with "
            "their codes.",
        ),
        (
            ["sent", "lmns", "example-north"],
            "'example-north' names a Trust (Example North NHS Trust (synthetic)), and this "
            "letter goes to an ICB: name the ICB, e.g. its ICB today, icb:QZZ",
        ),
        (["due", "icb:QXX"], "No ICB in the registry is called 'icb:QXX'."),
        (["replied", "lmns", "QXX"], "No ICB in the registry is called 'QXX'."),
        (
            ["sent", "mp", "icb:QZZ"],
            "The 'mp' letter goes to your MP, not to a Trust or an ICB: log it without one",
        ),
        (["sent", "minister", "icb:QZZ"], "The 'minister' letter goes to national recipients"),
    ],
)
def test_naming_an_icb_wrongly_is_a_usage_error_that_says_the_fix(
    area: Path, args: list[str], said: str
) -> None:
    (area / "correspondence.yaml").write_text("version: 1\nletters: []\n", encoding="utf-8")
    done = cli(area, *args)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr


def test_the_mp_letter_is_logged_as_national(area: Path) -> None:
    sent = cli(area, "sent", "mp")
    assert sent.returncode == 0, sent.stderr
    assert "Logged the 'mp' letter to your MP (logged as a national letter" in sent.stderr
    (entry,) = yaml.safe_load((area / "correspondence.yaml").read_text("utf-8"))["letters"]
    assert ("trust" not in entry, "icb" not in entry, entry["kind"]) == (True, True, "mp")
    replied = cli(area, "replied", "mp", "--on", "2027-01-12", today="2027-01-12")
    assert replied.returncode == 0, replied.stderr


OLD_LOG = """\
# written before letters could name an ICB (synthetic)
version: 1
letters:
  - {trust: example-north, kind: foi, sent_on: 2027-01-04}
  - {kind: minister, sent_on: 2027-01-05}
"""


def test_an_old_log_stays_valid_and_an_icb_letter_is_added_to_it(area: Path) -> None:
    log = area / "correspondence.yaml"
    log.write_text(OLD_LOG, encoding="utf-8")
    before = cli(area, "due", "--format", "json")
    assert before.returncode == 0, before.stderr
    bodies = [(e["body"], e["trust"], e["icb"]) for e in json.loads(before.stdout)["letters"]]
    assert bodies == [("example-north", "example-north", None), (None, None, None)]
    assert cli(area, "sent", "lmns", "QZZ").returncode == 0
    after = log.read_text("utf-8")
    assert after.startswith(OLD_LOG)
    assert yaml.safe_load(after)["letters"][2]["icb"] == "QZZ"


BOTH = """\
version: 1
letters:
  - {trust: example-north, kind: foi, sent_on: 2027-01-04}
  - trust: example-north
    icb: QZZ
    kind: lmns
    sent_on: 2027-01-05
"""
UNKNOWN_ICB = """\
version: 1
letters:
  - {icb: QXX, kind: lmns, sent_on: 2027-01-06}
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            BOTH,
            "4:5 (trust 'example-north'): letters[2]: the letter names both a Trust (trust: "
            "example-north) and an ICB (icb: QZZ); a letter goes to one body: keep the one it "
            "was sent to, and log a copy sent to the other as a letter of its own",
        ),
        (
            UNKNOWN_ICB,
            "3:11: no ICB has the code 'QXX' in the registry; use a code `cocwatch icbs` lists "
            "(an ICB that has ended stays listed, with its end date)",
        ),
    ],
)
def test_a_log_naming_both_bodies_or_an_unknown_icb_is_refused_with_file_and_line(
    area: Path, text: str, problem: str
) -> None:
    log = area / "correspondence.yaml"
    log.write_text(text, encoding="utf-8")
    for command in (["due"], ["answers", "--offline"]):
        shown = cli(area, *command)
        assert shown.returncode == 3
        assert shown.stderr.splitlines()[:2] == [
            f"Error: The correspondence log {log} has 1 problem:",
            f"  {log}:{problem}",
        ]
        assert "Traceback" not in shown.stderr
    # Nothing is appended to a log that does not validate.
    assert cli(area, "sent", "lmns", "QZZ").returncode == 3
    assert log.read_text("utf-8") == text


def test_the_log_model_names_one_body() -> None:
    to_icb = LoggedLetter.model_validate({"icb": "qzz", "kind": "lmns", "sent_on": "2027-01-11"})
    assert (to_icb.icb, to_icb.trust, to_icb.body) == ("QZZ", None, "icb:QZZ")
    national = LoggedLetter.model_validate({"kind": "minister", "sent_on": "2027-01-11"})
    assert national.body is None
    wrong_form = re.escape("log.yaml:3:11: letters[1].icb: has the wrong form")
    with pytest.raises(CorrespondenceLogError, match=wrong_form):
        parse_log(
            textwrap.dedent(
                """\
                version: 1
                letters:
                  - {icb: 'Q Z', kind: lmns, sent_on: 2027-01-11}
                """
            ),
            "log.yaml",
        )


class _Cells(HTMLParser):
    """The text of each table row's cells (a test's own reading of the page)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2"):
            self._heading = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in ("h1", "h2"):
            self._heading = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._heading:
            self.headings[-1] += data


def test_the_report_answers_page_gives_the_icb_its_row(area: Path) -> None:
    log = area / "correspondence.yaml"
    log.write_text(
        textwrap.dedent(
            """\
            version: 1
            letters:
              - {icb: QZZ, kind: lmns, sent_on: 2027-01-04, replies: [{received_on: 2027-01-14}]}
              - {trust: example-north, kind: foi, sent_on: 2027-01-04}
            """
        ),
        encoding="utf-8",
    )
    made = cli(area, "report", "--out", "site", "--correspondence", "-q", today="2027-01-18")
    assert made.returncode == 0, made.stderr
    page = _Cells()
    page.feed((area / "site" / "trusts" / "_answers.html").read_text("utf-8"))
    assert page.headings[:2] == [
        "How the Trusts and ICBs answered our letters",
        "By kind of letter",
    ]
    assert "By Trust or ICB" in page.headings
    # 4 January to 14 January 2027: 8 working days; the FOI request open 10 working days.
    body_rows = [r for r in page.rows if r and r[0] != "Trust or ICB"]
    assert body_rows == [
        ["Example North NHS Trust (synthetic)", "foi", "1", "0", "0", "—", "10"],
        [ICB, "lmns", "1", "1", "1", "8", "—"],
    ]
    # The ICB has no page of its own in the report: its name is not a link.
    assert 'href="icb:QZZ.html"' not in (area / "site" / "trusts" / "_answers.html").read_text(
        "utf-8"
    )
