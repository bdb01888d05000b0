"""Follow-up letters (chaser, foi-review, ico-complaint) and the whole FOI cycle, end to end.

Each test works in a real temporary campaign folder with a synthetic registry, runs cocwatch
as cron would (a subprocess, no terminal, a minimal environment) and pins the date. The dates
are clear of bank holidays in every part of the UK.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.correspondence.test_correspondence import cli
from tests.support.registries import MINIMAL_REGISTRY

SENDER = ["--sender-name", "Jo Bloggs (synthetic)", "--sender-email", "jo@example.org"]
ICO_CONTACT = """\
  contacts:
    - role: ico
      title: Information Commissioner's Office
      address: "Synthetic House\\nSynthetic Lane\\nAN1 1AA"
"""


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    """A campaign folder with a registry of one's own (synthetic), with an ICO contact."""
    registry = MINIMAL_REGISTRY.replace("trusts:\n", ICO_CONTACT + "trusts:\n", 1)
    (tmp_path / "trusts.yaml").write_text(registry, encoding="utf-8")
    return tmp_path


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_whole_cycle_from_request_to_answer(campaign: Path) -> None:
    """Draft, log, come due (once in watch), chase, ask for a review, log the reply."""
    watch = ["watch", "--state", str(campaign / "state.sqlite3")]
    ok(cli(campaign, *watch, today="2027-01-08"))  # the baseline, before anything is sent

    ok(
        cli(
            campaign,
            "letter",
            "foi",
            "example-north",
            *SENDER,
            "--out",
            "foi.md",
            today="2027-01-11",
        )
    )
    ok(
        cli(
            campaign,
            "sent",
            "foi",
            "example-north",
            "--file",
            "foi.md",
            "--via",
            "email",
            today="2027-01-11",
        )
    )
    assert cli(campaign, *watch, today="2027-01-11").stdout == ""  # sent is not news

    # Nothing is due until the reply-by date has passed.
    assert ok(cli(campaign, "due", "--fail-on", "overdue", today="2027-02-08"))
    late = cli(campaign, "due", "--fail-on", "overdue", "-f", "csv", today="2027-02-09")
    assert late.returncode == 1 and "overdue by 1 working day" in late.stdout
    news = ok(cli(campaign, *watch, today="2027-02-09")).stdout
    assert "new finding foi_overdue" in news and "11 January 2027" in news
    assert cli(campaign, *watch, today="2027-02-10").stdout == ""

    # The reminder quotes the dates and claims only what the log records.
    chaser = one_line(
        ok(cli(campaign, "letter", "chaser", "example-north", *SENDER, today="2027-02-10")).stdout
    )
    assert "Reminder: my letter of 11 January 2027 (Freedom of Information request)" in chaser
    assert "by 8 February 2027 for a request received the day I sent it" in chaser
    assert "I have no record of a reply." in chaser
    assert "Freedom of Information Officer" in chaser  # to whoever the request went to

    # The Trust acknowledges; the request is still awaited and the chaser says so.
    ok(
        cli(
            campaign,
            "replied",
            "example-north",
            "--on",
            "2027-02-11",
            "--outcome",
            "acknowledged",
            today="2027-02-11",
        )
    )
    assert (
        "overdue by 4 working days"
        in ok(cli(campaign, "due", "-f", "csv", today="2027-02-12")).stdout
    )
    chaser = one_line(
        ok(cli(campaign, "letter", "chaser", "example-north", *SENDER, today="2027-02-12")).stdout
    )
    assert (
        "Thank you for acknowledging it on 11 February 2027; "
        "I have no record of a reply since then." in chaser
    )

    # An internal review, for a request with no reply.
    review = ok(
        cli(
            campaign,
            "letter",
            "foi-review",
            "example-north",
            *SENDER,
            "--out",
            "review.md",
            today="2027-02-15",
        )
    )
    text = one_line((campaign / "review.md").read_text("utf-8"))
    assert "On 11 January 2027 I sent Example North NHS Trust (synthetic) a request" in text
    assert (
        "by 8 February 2027. I have no record of a reply other than the acknowledgement of "
        "11 February 2027." in text
    )
    assert "as the Code of Practice issued under section 45 of the Act provides for [1]" in text
    assert "https://ico.org.uk/for-organisations/guidance-index/" in text
    assert "[Your grounds" not in text and "[Your grounds]" not in review.stderr
    ok(
        cli(
            campaign,
            "sent",
            "foi-review",
            "example-north",
            "--file",
            "review.md",
            today="2027-02-15",
        )
    )

    # The answer comes, with figures: log it, then record a figure with the reply as source.
    replied = ok(
        cli(
            campaign,
            "replied",
            "example-north",
            "foi",
            "--on",
            "2027-02-22",
            "--outcome",
            "partial",
            "--summary",
            "Plan sent; ethnicity figures withheld",
            "--url",
            "https://example.org/foi-reply",
            today="2027-02-22",
        )
    )
    hint = next(line.strip() for line in replied.stderr.splitlines() if "record figure" in line)
    command = hint.split()[1:]  # drop "cocwatch"
    command[command.index("P")] = "23.5"
    command[command.index("YYYY-MM-DD")] = "2027-01-31"
    ok(cli(campaign, *command, today="2027-02-22"))
    shown = yaml.safe_load(
        ok(cli(campaign, "show", "example-north", "--format", "json", today="2027-02-22")).stdout
    )
    figure = shown["figure_history"][-1]
    assert (figure["percent"], figure["source_url"]) == (23.5, "https://example.org/foi-reply")
    statuses = {e["kind"]: e["status"] for e in shown["correspondence"]}
    assert statuses == {"foi": "answered", "foi-review": "awaiting"}
    resolved = ok(cli(campaign, *watch, today="2027-02-22")).stdout
    assert "finding resolved: foi_overdue" in resolved


def test_follow_ups_need_the_letter_they_follow(campaign: Path) -> None:
    review = cli(campaign, "letter", "foi-review", "example-north", today="2027-01-11")
    assert review.returncode == 2
    assert "follows up a 'foi' letter" in review.stderr
    assert "cocwatch sent foi example-north --on YYYY-MM-DD" in review.stderr
    chaser = cli(campaign, "letter", "chaser", "example-north", today="2027-01-11")
    assert chaser.returncode == 2 and "awaiting a reply" in chaser.stderr
    ok(cli(campaign, "sent", "foi", "example-north", today="2027-01-11"))
    complaint = cli(campaign, "letter", "ico-complaint", "example-north", today="2027-03-01")
    assert complaint.returncode == 2 and "a 'foi-review' letter" in complaint.stderr
    # Several Trusts: those without the letter are skipped, with a note.
    many = cli(
        campaign, "letter", "chaser", "--all", "--out", "chasers", *SENDER, today="2027-02-10"
    )
    assert many.returncode == 0, many.stderr
    assert "Skipped: " in many.stderr and "Example South" in many.stderr
    assert [p.name for p in (campaign / "chasers").iterdir()] == ["chaser-example-north.md"]


def test_an_early_review_is_drafted_with_a_warning(campaign: Path) -> None:
    ok(cli(campaign, "sent", "foi", "example-north", today="2027-01-11"))
    early = ok(cli(campaign, "letter", "foi-review", "example-north", *SENDER, today="2027-01-20"))
    assert "is not overdue yet: a reply is due by 2027-02-08" in early.stderr


def test_review_of_a_partial_answer_carries_the_writers_grounds(campaign: Path) -> None:
    ok(cli(campaign, "sent", "foi", "example-north", today="2027-01-11"))
    ok(
        cli(
            campaign,
            "replied",
            "example-north",
            "--on",
            "2027-02-12",
            "--outcome",
            "partial",
            "--reference",
            "FOI-77",
            today="2027-02-12",
        )
    )
    bare = cli(
        campaign, "letter", "foi-review", "example-north", *SENDER, "--strict", today="2027-02-15"
    )
    assert bare.returncode == 3 and "[Your grounds]" in bare.stderr
    (campaign / "grounds.txt").write_text(
        "The monthly figures by ethnicity were not sent.\n", "utf-8"
    )
    letter = one_line(
        ok(
            cli(
                campaign,
                "letter",
                "foi-review",
                "example-north",
                *SENDER,
                "--experience",
                "grounds.txt",
                today="2027-02-15",
            )
        ).stdout
    )
    assert (
        "The Trust replied on 12 February 2027 (your reference FOI-77), but the reply did not "
        "give all the information I asked for." in letter
    )
    assert "That was after 8 February 2027" in letter
    assert "The monthly figures by ethnicity were not sent." in letter
    assert "without further delay" not in letter


def test_complaint_to_the_ico(campaign: Path) -> None:
    ok(cli(campaign, "sent", "foi", "example-north", "--reference", "REQ-1", today="2027-01-11"))
    ok(
        cli(
            campaign,
            "replied",
            "example-north",
            "--on",
            "2027-02-01",
            "--outcome",
            "refused",
            today="2027-02-01",
        )
    )
    ok(cli(campaign, "sent", "foi-review", "example-north", today="2027-02-03"))
    (campaign / "why.txt").write_text("The cost estimate was not explained.\n", "utf-8")
    result = ok(
        cli(
            campaign,
            "letter",
            "ico-complaint",
            "example-north",
            *SENDER,
            "--experience",
            "why.txt",
            "--out",
            "ico.md",
            today="2027-03-15",
        )
    )
    assert "Warning" not in result.stderr
    body = one_line((campaign / "ico.md").read_text("utf-8"))
    assert "The Information Commissioner's Office\\ Synthetic House\\ Synthetic Lane" in body
    assert "under section 50 of the Freedom of Information Act 2000 [1]" in body
    assert (
        "On 11 January 2027 I sent the Trust a request for information about midwifery "
        "continuity of carer (reference REQ-1). A reply was due by 8 February 2027"
    ) in body
    assert "The Trust replied on 1 February 2027, refusing the request." in body
    assert "On 3 February 2027 I asked the Trust for an internal review." in body
    assert (
        "I have no record of a reply to my request for a review; I asked for one by 3 March 2027."
    ) in body
    assert "The cost estimate was not explained." in body
    assert "https://www.legislation.gov.uk/ukpga/2000/36/section/50" in body


def test_complaint_without_an_ico_address_shows_a_placeholder(tmp_path: Path) -> None:
    (tmp_path / "trusts.yaml").write_text(MINIMAL_REGISTRY, encoding="utf-8")
    ok(cli(tmp_path, "sent", "foi", "example-north", today="2027-01-11"))
    ok(cli(tmp_path, "sent", "foi-review", "example-north", today="2027-02-10"))
    result = ok(
        cli(tmp_path, "letter", "ico-complaint", "example-north", *SENDER, today="2027-03-15")
    )
    assert "[Postal address of the Information Commissioner's Office]" in result.stdout
    assert "[Postal address of the Information Commissioner's Office]" in result.stderr
    # No reply is logged, so the letter offers no "replies" to send.
    assert "I can send copies of my request and my request for a review." in result.stdout


def test_complaint_tells_events_in_date_order_and_only_what_the_log_says(campaign: Path) -> None:
    """The reply came after the review was asked for; the review's reply is logged refused."""
    ok(cli(campaign, "sent", "foi", "example-north", today="2027-01-04"))
    ok(cli(campaign, "sent", "foi-review", "example-north", today="2027-01-21"))
    ok(cli(campaign, "replied", "foi", "example-north", "--on", "2027-02-01", today="2027-02-01"))
    ok(
        cli(
            campaign,
            *("replied", "foi-review", "example-north", "--on", "2027-02-15"),
            *("--outcome", "refused"),
            today="2027-02-15",
        )
    )
    text = ok(
        cli(campaign, "letter", "ico-complaint", "example-north", *SENDER, today="2027-03-01")
    ).stdout
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert [b.split(" ")[1:4] for b in bullets] == [
        ["On", "4", "January"],
        ["On", "21", "January"],
        ["The", "Trust", "replied"],
        ["The", "Trust", "replied"],
    ]
    assert bullets[2] == "- The Trust replied on 1 February 2027."
    assert bullets[3] == (
        "- The Trust replied to my request for a review on 15 February 2027, refusing it."
    )
    assert "upheld" not in text and "upholding" not in text


def test_a_chaser_names_the_letter_it_follows(campaign: Path) -> None:
    """Two letters overdue: the chaser explains its choice, --follows picks, the log records it."""
    ok(cli(campaign, "sent", "board", "example-north", today="2027-01-04"))
    ok(cli(campaign, "sent", "foi", "example-north", "--via", "email", today="2027-01-11"))
    default = ok(cli(campaign, "letter", "chaser", "example-north", *SENDER, today="2027-02-15"))
    said = one_line(default.stderr)
    assert "Several letters to Example North" in said
    assert "follows up the one overdue longest, the 'board' letter sent on 2027-01-04" in said
    assert "Also overdue: 'foi' sent 2027-01-11" in said and "--follows foi" in said
    assert "my letter of 4 January 2027" in default.stdout

    chosen = ok(
        cli(
            campaign,
            *("letter", "chaser", "example-north", "--follows", "FOI"),
            *SENDER,
            today="2027-02-15",
        )
    )
    assert "Reminder: my letter of 11 January 2027 (Freedom of Information request)" in (
        one_line(chosen.stdout)
    )
    assert "Several letters" not in chosen.stderr
    ok(
        cli(
            campaign,
            *("sent", "chaser", "example-north", "--follows", "foi"),
            today="2027-02-15",
        )
    )
    ok(cli(campaign, "sent", "chaser", "example-north", today="2027-02-16"))
    letters = yaml.safe_load((campaign / "correspondence.yaml").read_text("utf-8"))["letters"]
    chasers = [(e["to"], e["follows"], str(e["follows_sent_on"])) for e in letters[2:]]
    assert chasers == [("foi", "foi", "2027-01-11"), ("chief_executive", "board", "2027-01-04")]
    wrong = cli(campaign, "letter", "foi", "example-north", "--follows", "board")
    assert wrong.returncode == 2 and "--follows does not apply" in wrong.stderr
    # A reminder never says "no record of a reply" of a letter the log shows answered.
    ok(cli(campaign, "replied", "board", "example-north", "--on", "2027-02-16", today="2027-02-16"))
    answered = cli(
        campaign, "letter", "chaser", "example-north", "--follows", "board", today="2027-02-17"
    )
    assert answered.returncode == 2
    assert "sent on 2027-01-04 is answered" in answered.stderr


def test_replied_takes_its_arguments_as_sent_does(campaign: Path) -> None:
    ok(cli(campaign, "sent", "board", "example-north", today="2027-01-04"))
    ok(cli(campaign, "sent", "foi", "example-north", today="2027-01-11"))
    new = ok(cli(campaign, "replied", "board", "example-north", "--on", "2027-01-20"))
    assert "to the 'board' letter" in new.stderr and "old order" not in new.stderr
    old = ok(cli(campaign, "replied", "example-north", "foi", "--on", "2027-01-21"))
    assert "to the 'foi' letter" in old.stderr
    assert "Read as `replied foi example-north`" in old.stderr
    letters = yaml.safe_load((campaign / "correspondence.yaml").read_text("utf-8"))["letters"]
    assert [len(e["replies"]) for e in letters] == [1, 1]


def test_replied_is_dated_today_unless_told_otherwise(campaign: Path) -> None:
    """As `sent` is: a reply logged the day it came needs no --on."""
    ok(cli(campaign, "sent", "foi", "example-north", today="2027-01-11"))
    logged = ok(cli(campaign, "replied", "foi", "example-north", today="2027-02-03"))
    assert "received 2027-02-03" in logged.stderr
    letters = yaml.safe_load((campaign / "correspondence.yaml").read_text("utf-8"))["letters"]
    assert str(letters[0]["replies"][0]["received_on"]) == "2027-02-03"
    assert "(default: today)" in ok(cli(campaign, "replied", "--help")).stdout


def test_a_chaser_words_each_recipient_as_it_stands_to_the_trust(campaign: Path) -> None:
    """An MNVP works with a Trust and is not part of it; a Trust's officers are at it."""
    logged = ok(cli(campaign, "sent", "mnvp", "example-north", today="2027-01-11"))
    assert (
        "Logged the 'mnvp' letter to the Maternity and Neonatal Voices Partnership of "
        "Example North" in one_line(logged.stderr)
    )
    logged_board = ok(cli(campaign, "sent", "board", "example-north", today="2027-01-12"))
    assert "Logged the 'board' letter to Example North" in one_line(logged_board.stderr)
    mnvp = one_line(
        ok(cli(campaign, "letter", "chaser", "example-north", *SENDER, today="2027-03-01")).stdout
    )
    assert "I wrote to the MNVP Chair for the maternity services of Example North" in mnvp
    assert "MNVP Chair at" not in mnvp
    board = one_line(
        ok(
            cli(
                campaign,
                *("letter", "chaser", "example-north", "--follows", "board", *SENDER),
                today="2027-03-01",
            )
        ).stdout
    )
    assert "I wrote to the Chief Executive at Example North" in board
