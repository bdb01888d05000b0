"""A right of reply (10 working days, never chased) and letters logged with no sent date.

Every log here is synthetic test data; dates are pinned and chosen clear of UK bank holidays
unless a test says otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from cocwatch.core.correspondence import (
    CorrespondenceLog,
    LoggedLetter,
    ReplyRules,
    letter_state,
    letter_states,
    reply_by_for,
    undated,
)
from cocwatch.core.letters import followed_state
from cocwatch.registry.correspondence import CorrespondenceLogError, parse_log
from tests.correspondence.test_correspondence import campaign, cli  # noqa: F401
from tests.support.paths import SRC
from tests.support.preloaded import run_cocwatch_text

if TYPE_CHECKING:
    from playwright.sync_api import Page

NO_HOLIDAYS = ReplyRules(non_working=frozenset())
SENT = date(2027, 1, 11)  # a Monday
# Ten working days after Monday 11 January 2027: 12-15, 18-22 and Monday 25 January.
REPLY_BY = date(2027, 1, 25)


def right_of_reply(**fields: object) -> LoggedLetter:
    values: dict[str, object] = {
        "trust": "example-north",
        "kind": "right-of-reply",
        "sent_on": SENT,
    }
    values.update(fields)
    return LoggedLetter.model_validate(values)


def test_a_right_of_reply_gives_ten_working_days_whatever_the_config_says() -> None:
    assert reply_by_for("right-of-reply", SENT, NO_HOLIDAYS) == REPLY_BY
    five = ReplyRules(non_working=frozenset(), other_working_days=5)
    assert reply_by_for("right-of-reply", SENT, five) == REPLY_BY
    # a holiday inside the ten days moves the date on by one working day
    holiday = ReplyRules(non_working=frozenset({date(2027, 1, 19)}))
    assert reply_by_for("right-of-reply", SENT, holiday) == date(2027, 1, 26)


@pytest.mark.parametrize(
    ("as_of", "status", "open_"),
    [(SENT, "awaiting", True), (REPLY_BY, "awaiting", True), (date(2027, 1, 26), "lapsed", False)],
)
def test_an_unanswered_right_of_reply_lapses_and_is_never_overdue(
    as_of: date, status: str, open_: bool
) -> None:
    state = letter_state(0, right_of_reply(), as_of=as_of, rules=NO_HOLIDAYS)
    assert (state.status, state.open, state.working_days_overdue) == (status, open_, 0)


def test_a_reminder_never_follows_up_a_right_of_reply() -> None:
    log = CorrespondenceLog(
        letters=(
            right_of_reply(sent_on=date(2027, 1, 4)),
            LoggedLetter(trust="example-north", kind="board", sent_on=date(2027, 1, 5)),
        )
    )
    states = letter_states(log, as_of=date(2027, 1, 12), rules=NO_HOLIDAYS)
    picked, _ = followed_state(states, ("any",))
    assert picked is not None and picked.letter.kind == "board"
    only = letter_states(
        CorrespondenceLog(letters=(right_of_reply(),)), as_of=SENT, rules=NO_HOLIDAYS
    )
    assert followed_state(only, ("any",)) == (None, ())


def test_a_letter_with_no_sent_date_has_no_state_and_is_counted_apart() -> None:
    log = parse_log(
        "version: 1\nletters:\n"
        "  - {trust: example-north, kind: foi, sent_on: 2027-01-11}\n"
        "  - trust: example-south\n    kind: board\n    sent_on:\n",
        "log.yaml",
    )
    assert [letter.sent_on for letter in log.letters] == [SENT, None]
    states = letter_states(log, as_of=date(2027, 3, 1), rules=NO_HOLIDAYS)
    assert [s.letter.trust for s in states] == ["example-north"]
    assert undated(log) == [(1, log.letters[1])]
    assert undated(log, body_ids=["example-north"]) == []
    with pytest.raises(ValueError, match="no sent date"):
        letter_state(1, log.letters[1], as_of=SENT, rules=NO_HOLIDAYS)
    with pytest.raises(CorrespondenceLogError) as caught:
        parse_log("version: 1\nletters:\n  - {trust: example-north, kind: foi}\n", "log.yaml")
    assert (
        "log.yaml:3:5 (trust 'example-north'): missing required key 'sent_on': write the day "
        "the letter was sent (YYYY-MM-DD), or leave it empty (`sent_on:`) if nobody recorded "
        "the day"
    ) in str(caught.value)


def test_due_names_the_letters_left_out_for_want_of_a_date(campaign: Path) -> None:  # noqa: F811
    (campaign / "correspondence.yaml").write_text(
        "version: 1\nletters:\n"
        "  - {trust: example-north, kind: foi, sent_on: 2027-01-11}\n"
        "  - trust: example-south\n    kind: board\n    sent_on:\n",
        encoding="utf-8",
    )
    shown = cli(campaign, "due", "--format", "markdown", today="2027-01-20")
    assert shown.returncode == 0, shown.stderr
    assert "Left out: 1 letter in the log has no sent date (entry 2, 'board' to Example South" in (
        " ".join(shown.stdout.split())
    )
    as_json = cli(campaign, "due", "--format", "json", today="2027-01-20")
    assert '"undated": 1' in as_json.stdout


def test_a_chaser_for_a_right_of_reply_is_refused(campaign: Path) -> None:  # noqa: F811
    (campaign / "correspondence.yaml").write_text(
        "version: 1\nletters:\n"
        "  - {trust: example-north, kind: right-of-reply, sent_on: 2027-01-11}\n",
        encoding="utf-8",
    )
    drafted = cli(
        campaign,
        "letter",
        "chaser",
        "example-north",
        "--follows",
        "right-of-reply",
        today="2027-02-01",
    )
    assert drafted.returncode == 2
    assert "A 'right-of-reply' letter is not chased" in drafted.stderr
    logged = cli(
        campaign,
        "sent",
        "chaser",
        "example-north",
        "--follows",
        "right-of-reply",
        today="2027-02-01",
    )
    assert logged.returncode == 2
    assert "A 'right-of-reply' letter is not chased" in logged.stderr


# --- from the letter to the published page, in a real browser --------------------------------

CHROMIUM = Path(os.environ.get("COCWATCH_TEST_CHROMIUM", "/usr/bin/chromium"))
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"BROWSER MISSING: headless Chromium not found at {CHROMIUM}, so the Trust page "
    "was not read in a browser",
)


def shipped(folder: Path, *args: str, today: str) -> subprocess.CompletedProcess[str]:
    """cocwatch on the shipped registry (its real April 2025 statistics), as cron runs it,
    with a correspondence log of the test's own."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(folder / "home"),
        "PYTHONPATH": str(SRC),
        "COCWATCH_TODAY": today,
        "COCWATCH_CORRESPONDENCE": str(folder / "correspondence.yaml"),
        "LANG": "C.UTF-8",
    }
    return run_cocwatch_text(list(args), env=env, cwd=folder)


@pytest.fixture(scope="module")
def phone() -> Iterator[Callable[[Path], Page]]:
    """Open a page of the report in headless Chromium at a phone's width (one browser for the
    module); every page must fit the width without scrolling sideways."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])

        def open_(page_path: Path) -> Page:
            page = browser.new_page(viewport={"width": 360, "height": 800})
            page.goto(page_path.resolve().as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            return page

        try:
            yield open_
        finally:
            browser.close()


def page_text(page: Page) -> tuple[str, list[str], str | None]:
    """What a Trust page shows: the reply section's text, the comparisons' sentences, and
    the address the reply's link leads to (None without one)."""
    reply = page.locator("section.reply")
    said = reply.inner_text() if reply.count() else ""
    sentences = page.locator("dl.compare dd").all_inner_texts()
    link = reply.locator("a")
    href = link.evaluate("a => a.href") if link.count() else None
    page.close()
    return said, sentences, href


def answers_page(page: Page) -> tuple[list[list[str]], list[str]]:
    """What the answers page shows: the table's cells, row by row, and the charts' titles
    (each an SVG with a title)."""
    rows = page.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )
    charts = page.locator("svg.chart-bars title").all_text_contents()
    # Every label and count lies inside its chart: none is cut off at the chart's edge.
    clipped = page.locator("svg.chart-bars").evaluate_all(
        """charts => charts.flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll("text")]
                .filter(t => {
                    const r = t.getBoundingClientRect();
                    return r.left < box.left - 0.5 || r.right > box.right + 0.5;
                })
                .map(t => t.textContent);
        })"""
    )
    assert clipped == [], f"chart text cut off at the chart's edge: {clipped}"
    page.close()
    return rows, charts


@needs_chromium
def test_from_right_of_reply_to_the_published_answer(
    tmp_path: Path, phone: Callable[[Path], Page]
) -> None:
    drafted = shipped(
        tmp_path, "letter", "right-of-reply", "RJ1", "--out", "ror.md", today="2025-07-01"
    )
    assert drafted.returncode == 0, drafted.stderr
    letter_text = " ".join((tmp_path / "ror.md").read_text("utf-8").split())
    # Ten working days from Tuesday 1 July 2025, counted as for FOI: Monday 14 July is
    # Northern Ireland's Battle of the Boyne holiday (12 July fell on a Saturday).
    assert "please tell me by 16 July 2025, 10 working days from the date of this letter" in (
        letter_text
    )
    assert "We intend to publish the report on 17 July 2025." in letter_text

    sent = shipped(
        tmp_path, "sent", "right-of-reply", "RJ1", "--file", "ror.md", today="2025-07-01"
    )
    assert sent.returncode == 0, sent.stderr
    assert "A reply is due by 2025-07-16 (nothing chases it: you publish either way)" in (
        " ".join(sent.stderr.split())
    )
    due = shipped(tmp_path, "due", "--format", "json", "--offline", today="2025-07-07")
    (waiting,) = json.loads(due.stdout)["letters"]
    assert (waiting["kind"], waiting["reply_by"], waiting["status"]) == (
        "right-of-reply",
        "2025-07-16",
        "awaiting",
    )

    bare = shipped(tmp_path, "replied", "right-of-reply", "RJ1", today="2025-07-10")
    assert bare.returncode == 2
    assert "add --file REPLY.txt" in bare.stderr
    (tmp_path / "reply.txt").write_text(
        "Dear campaigner, our April figure is provisional (synthetic reply).\n", "utf-8"
    )
    replied = shipped(
        tmp_path,
        "replied",
        "right-of-reply",
        "RJ1",
        "--file",
        "reply.txt",
        "--summary",
        "The Trust says its April figure is provisional.",
        today="2025-07-10",
    )
    assert replied.returncode == 0, replied.stderr
    logged = yaml.safe_load((tmp_path / "correspondence.yaml").read_text("utf-8"))
    assert logged["letters"][0]["replies"] == [
        {
            "received_on": date(2025, 7, 10),
            "summary": "The Trust says its April figure is provisional.",
            "file": "reply.txt",
        }
    ]

    made = shipped(
        tmp_path, "report", "--out", "site", "--correspondence", "-q", today="2025-07-17"
    )
    assert made.returncode == 0, made.stderr
    trust_page = tmp_path / "site" / "trusts" / "guys-and-st-thomas.html"
    said, sentences, href = page_text(phone(trust_page))
    assert " ".join(said.split()) == (
        "The Trust's reply The Trust was sent these figures on 1 July 2025; its reply: "
        "The Trust says its April figure is provisional. "
        "Received 10 July 2025: the reply in full."
    )
    assert href is not None and href.endswith("/trusts/_replies/guys-and-st-thomas-2025-07-10.txt")
    copy = tmp_path / "site" / "trusts" / "_replies" / "guys-and-st-thomas-2025-07-10.txt"
    assert copy.read_text("utf-8") == (tmp_path / "reply.txt").read_text("utf-8")
    # The letter quoted, word for word, every comparison the page publishes.
    assert len(sentences) >= 3
    for sentence in sentences:
        assert " ".join(sentence.split()) in letter_text
    # The answers page, linked from the index: 1 July to 10 July 2025 is 7 working days.
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert '<a href="trusts/_answers.html">How the Trusts answered our letters</a>' in index
    rows, charts = answers_page(phone(tmp_path / "site" / "trusts" / "_answers.html"))
    assert rows == [
        ["Guy's and St Thomas' NHS Foundation Trust", "right-of-reply", "1", "1", "1", "7", "—"]
    ]
    assert charts == ["'right-of-reply' letters: 1 sent"]

    private = shipped(tmp_path, "report", "--out", "site", "-q", today="2025-07-17")
    assert private.returncode == 0, private.stderr
    said, _, _ = page_text(phone(trust_page))
    assert said == ""
    assert not (tmp_path / "site" / "trusts" / "_replies").exists()
    assert not (tmp_path / "site" / "trusts" / "_answers.html").exists()
    assert "_answers.html" not in (tmp_path / "site" / "index.html").read_text("utf-8")


@needs_chromium
def test_no_reply_across_christmas_says_so_after_the_deadline(
    campaign: Path,  # noqa: F811
    phone: Callable[[Path], Page],
) -> None:
    sent = cli(campaign, "sent", "right-of-reply", "example-north", today="2026-12-14")
    # Monday 14 December 2026: Christmas Day is a Friday and Boxing Day a Saturday (its bank
    # holiday is Monday 28 December), so the tenth working day is Wednesday 30 December.
    assert "A reply is due by 2026-12-30" in sent.stderr, sent.stderr
    page = campaign / "site" / "trusts" / "example-north.html"

    early = cli(campaign, "report", "--out", "site", "--correspondence", "-q", today="2026-12-30")
    assert early.returncode == 0, early.stderr
    said, _, _ = page_text(phone(page))
    assert " ".join(said.split()) == (
        "The Trust's reply The Trust was sent these figures on 14 December 2026, and has until "
        "30 December 2026 to point out any error."
    )

    late = cli(campaign, "report", "--out", "site", "--correspondence", "-q", today="2027-01-04")
    assert late.returncode == 0, late.stderr
    said, _, _ = page_text(phone(page))
    assert " ".join(said.split()) == (
        "The Trust's reply The Trust was sent these figures on 14 December 2026; no reply by "
        "30 December 2026."
    )
    # Nobody chases it: `due` no longer lists it, and shows it as lapsed with --all.
    due = cli(campaign, "due", "--offline", "--format", "json", "--all", today="2027-01-04")
    (lapsed,) = json.loads(due.stdout)["letters"]
    assert (lapsed["status"], lapsed["working_days_overdue"]) == ("lapsed", 0)
    still = cli(campaign, "due", "--offline", "--format", "json", today="2027-01-04")
    assert json.loads(still.stdout)["letters"] == []

    # A reply after the deadline is still the Trust's reply: the page shows it, with its link.
    replied = cli(
        campaign,
        "replied",
        "right-of-reply",
        "example-north",
        "--url",
        "https://example.org/north-reply",
        "--summary",
        "<b>Figures</b> are correct (synthetic)",
        today="2027-01-05",
    )
    assert replied.returncode == 0, replied.stderr
    after = cli(campaign, "report", "--out", "site", "--correspondence", "-q", today="2027-01-05")
    assert after.returncode == 0, after.stderr
    said, _, href = page_text(phone(page))
    assert " ".join(said.split()) == (
        "The Trust's reply The Trust was sent these figures on 14 December 2026; its reply: "
        "<b>Figures</b> are correct (synthetic) Received 5 January 2027: the reply in full."
    )
    assert href == "https://example.org/north-reply"


def test_publish_on_is_checked(campaign: Path) -> None:  # noqa: F811
    chosen = cli(
        campaign, "letter", "right-of-reply", "example-north", "--publish-on", "2027-02-01"
    )
    assert chosen.returncode == 0, chosen.stderr
    assert "We intend to publish the report on 1 February 2027." in chosen.stdout
    assert "please tell me by 25 January 2027" in chosen.stdout
    early = cli(campaign, "letter", "right-of-reply", "example-north", "--publish-on", "2027-01-25")
    assert early.returncode == 2
    assert "would not leave the Trust its 10 working days to reply (until 2027-01-25)" in (
        early.stderr
    )
    elsewhere = cli(campaign, "letter", "board", "example-north", "--publish-on", "2027-02-01")
    assert elsewhere.returncode == 2
    assert "--publish-on is for a right of reply" in elsewhere.stderr


def test_a_right_of_reply_to_every_trust_of_an_icb(campaign: Path) -> None:  # noqa: F811
    registry = (campaign / "trusts.yaml").read_text("utf-8")
    registry = registry.replace(
        "trusts:\n",
        "icbs:\n  - code: QZZ\n    name: NHS Example Integrated Care Board (synthetic)\n"
        "    region: South West\ntrusts:\n",
        1,
    )
    registry = registry.replace("    region: South West\n    figures:", "    region: South West")
    registry = registry.replace("  - id: example-south\n", "  - id: example-south\n    icb: QZZ\n")
    (campaign / "trusts.yaml").write_text(registry, encoding="utf-8")
    drafted = cli(campaign, "letter", "right-of-reply", "--icb", "QZZ", "--out", "letters")
    assert drafted.returncode == 0, drafted.stderr
    assert sorted(p.name for p in (campaign / "letters").iterdir()) == [
        "right-of-reply-example-south.md"
    ]
    text = (campaign / "letters" / "right-of-reply-example-south.md").read_text("utf-8")
    assert "We intend to publish the report on 26 January 2027." in text


def test_only_a_reply_safe_to_publish_is_copied_into_the_site(tmp_path: Path) -> None:
    from cocwatch.render.report_replies import published_replies

    (tmp_path / "reply.pdf").write_bytes(b"%PDF-1.4 synthetic")
    (tmp_path / "reply.html").write_text("<script>alert(1)</script>", "utf-8")

    def answered(trust: str, **reply: object) -> LoggedLetter:
        return right_of_reply(trust=trust, replies=[{"received_on": date(2027, 1, 15), **reply}])

    log = CorrespondenceLog(
        letters=(
            answered("example-north", file="reply.pdf"),
            answered("example-south", file="reply.html", url="https://example.org/reply"),
            answered("example-east", file="gone.txt"),
            right_of_reply(trust="example-west"),
        )
    )
    states = letter_states(log, as_of=date(2027, 2, 1), rules=NO_HOLIDAYS)
    found, warnings = published_replies(states, tmp_path)
    assert found["example-north"].copy == (
        "_replies/example-north-2027-01-15.pdf",
        b"%PDF-1.4 synthetic",
    )
    assert found["example-south"].copy is None  # the page links to its address instead
    assert found["example-east"].copy is None
    assert (found["example-west"].copy, found["example-west"].state.status) == (None, "lapsed")
    assert len(warnings) == 2
    assert "is a .html file, which the report does not publish" in warnings[0]
    assert "cannot be read at" in warnings[1] and "gone.txt" in warnings[1]
