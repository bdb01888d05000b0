"""The correspondence log: reply-by dates, what is overdue, the file, and `sent`/`replied`/`due`.

Every registry and log here is synthetic test data, written to a real temporary folder; the
date is pinned. The dates are chosen clear of bank holidays in every part of the UK, so the
expected reply-by dates do not depend on which holidays are counted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from cocwatch.core.correspondence import (
    CorrespondenceLog,
    LoggedLetter,
    Reply,
    ReplyRules,
    letter_state,
    letter_states,
    reply_by_for,
)
from cocwatch.registry.correspondence import CorrespondenceLogError, load_log, parse_log
from tests.support.paths import SRC
from tests.support.preloaded import run_cocwatch_text
from tests.support.registries import MINIMAL_REGISTRY

NO_HOLIDAYS = ReplyRules(non_working=frozenset())
SENT = date(2027, 1, 11)  # a Monday; no bank holiday anywhere in the UK until 17 March
REPLY_BY = date(2027, 2, 8)  # the 20th working day after it


# --- the pure core --------------------------------------------------------------------------


def letter(**fields: object) -> LoggedLetter:
    values: dict[str, object] = {"trust": "example-north", "kind": "foi", "sent_on": SENT}
    values.update(fields)
    return LoggedLetter.model_validate(values)


@pytest.mark.parametrize(
    ("kind", "sent_on", "rules", "expected"),
    [
        ("foi", SENT, NO_HOLIDAYS, REPLY_BY),
        # Friday: day 1 is the Monday after
        ("foi", date(2027, 1, 8), NO_HOLIDAYS, date(2027, 2, 5)),
        # a holiday inside the window pushes the date one working day on
        ("foi", SENT, ReplyRules(non_working=frozenset({date(2027, 1, 20)})), date(2027, 2, 9)),
        (
            "board",
            SENT,
            ReplyRules(non_working=frozenset(), other_working_days=10),
            date(2027, 1, 25),
        ),
        ("board", SENT, NO_HOLIDAYS, REPLY_BY),
    ],
)
def test_reply_by(kind: str, sent_on: date, rules: ReplyRules, expected: date) -> None:
    assert reply_by_for(kind, sent_on, rules) == expected


@pytest.mark.parametrize(
    ("fields", "as_of", "status", "overdue", "left"),
    [
        ({}, SENT, "awaiting", 0, 20),
        ({}, REPLY_BY, "awaiting", 0, 0),
        ({}, date(2027, 2, 9), "overdue", 1, 0),
        ({}, date(2027, 2, 15), "overdue", 5, 0),  # a weekend is not counted
        ({"reply_by": date(2027, 1, 20)}, date(2027, 1, 21), "overdue", 1, 0),
        (
            {"replies": [{"received_on": date(2027, 1, 12), "outcome": "acknowledged"}]},
            date(2027, 2, 9),
            "overdue",
            1,
            0,
        ),
        ({"replies": [{"received_on": date(2027, 2, 12)}]}, date(2027, 2, 15), "answered", 0, 0),
        # a reply logged for a later day does not count yet
        ({"replies": [{"received_on": date(2027, 2, 12)}]}, date(2027, 2, 10), "overdue", 2, 0),
        ({"closed_on": date(2027, 2, 1)}, date(2027, 3, 1), "closed", 0, 0),
    ],
)
def test_letter_state(
    fields: dict[str, object], as_of: date, status: str, overdue: int, left: int
) -> None:
    state = letter_state(0, letter(**fields), as_of=as_of, rules=NO_HOLIDAYS)
    assert (state.status, state.working_days_overdue, state.working_days_left) == (
        status,
        overdue,
        left,
    )


def test_states_skip_letters_not_yet_sent_and_sort_by_reply_by() -> None:
    log = CorrespondenceLog(
        letters=(
            letter(kind="board", sent_on=date(2027, 1, 18)),
            letter(sent_on=SENT),
            letter(sent_on=date(2027, 3, 1)),
        )
    )
    states = letter_states(log, as_of=date(2027, 2, 1), rules=NO_HOLIDAYS)
    assert [(s.index, s.letter.kind) for s in states] == [(1, "foi"), (0, "board")]


def test_a_reply_before_the_letter_is_refused() -> None:
    with pytest.raises(ValueError, match="dated before the letter was sent"):
        letter(replies=[Reply(received_on=date(2027, 1, 1))])


# --- the file -------------------------------------------------------------------------------

HAND_EDITED = """\
# kept by hand (synthetic)
version: 1
letters:
  - trust: example-north
    kind: foi
    sent_on: 2027-01-11
    reply_by: 2027-02-08
    replies:
      - recieved_on: 2027-02-01
  - trust: example-nowhere
    kind: board
    sent_on: 2027-02-30
    via: fax
  - trust: example-south
    kind: mnvp
    kind: board
    sent_on: 2027-01-12
"""


def test_hand_edited_log_reports_every_mistake_located(tmp_path: Path) -> None:
    path = tmp_path / "correspondence.yaml"
    path.write_text(HAND_EDITED, encoding="utf-8")
    with pytest.raises(CorrespondenceLogError) as caught:
        load_log(path, trust_ids=["example-north", "example-south"])
    message = str(caught.value)
    assert message.startswith(f"The correspondence log {path} has ")
    lines = message.splitlines()
    assert (
        f"  {path}:9:9 (trust 'example-north'): unknown key 'recieved_on'. "
        "Did you mean 'received_on'?"
    ) in lines
    assert any(
        line.startswith(f"  {path}:12:14 (trust 'example-nowhere'): letters[2].sent_on:")
        and "not a real date" in line
        for line in lines
    )
    assert any(
        line.startswith(f"  {path}:13:10 (trust 'example-nowhere'): letters[2].via:")
        for line in lines
    )
    assert f"  {path}:16:5: the key 'kind' appears twice in the same block; keep only one" in lines
    assert lines[-1] == "Fix these in a text editor, then run `cocwatch due` to check again."


def test_unknown_trust_is_located(tmp_path: Path) -> None:
    text = "version: 1\nletters:\n  - {trust: example-west, kind: foi, sent_on: 2027-01-11}\n"
    with pytest.raises(CorrespondenceLogError) as caught:
        parse_log(text, "log.yaml", trust_ids=["example-north"])
    assert (
        "log.yaml:3:13 (trust 'example-west'): no trust has the id 'example-west' in the "
        "registry; use the id `cocwatch trusts` shows"
    ) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nletters:\n\t- {}\n", "log.yaml:3:1: a tab character is used for indentation"),
        ("- just\n- a list\n", "log.yaml:1: the log must be a set of keys"),
        ("version: 2\n", "log.yaml:1:10: version: must be one of 1"),
    ],
)
def test_malformed_logs(text: str, expected: str) -> None:
    with pytest.raises(CorrespondenceLogError) as caught:
        parse_log(text, "log.yaml")
    assert expected in str(caught.value)


def test_empty_and_missing_logs_are_empty(tmp_path: Path) -> None:
    assert parse_log("", "log.yaml").letters == ()
    assert parse_log("version: 1\nletters:\n", "log.yaml").letters == ()
    loaded = load_log(tmp_path / "nothing.yaml")
    assert (loaded.exists, loaded.log.letters) == (False, ())


# --- the commands, end to end ---------------------------------------------------------------


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    """A campaign folder with a registry of one's own (synthetic)."""
    (tmp_path / "trusts.yaml").write_text(MINIMAL_REGISTRY, encoding="utf-8")
    return tmp_path


def cli(campaign: Path, *args: str, today: str = "2027-01-11") -> subprocess.CompletedProcess[str]:
    """Run cocwatch as cron would: a process of its own, no terminal, a minimal environment
    (forked from one that has imported cocwatch: see tests/support/preloaded.py)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(campaign / "home"),
        "PYTHONPATH": str(SRC),
        "COCWATCH_TODAY": today,
        "COCWATCH_REGISTRY": str(campaign / "trusts.yaml"),
        "LANG": "C.UTF-8",
    }
    return run_cocwatch_text(list(args), env=env, cwd=campaign)


def test_from_request_to_answer(campaign: Path) -> None:
    log = campaign / "correspondence.yaml"
    drafted = cli(campaign, "letter", "foi", "example-north", "--out", "foi-north.md")
    assert drafted.returncode == 0, drafted.stderr
    assert "8 February 2027" in (campaign / "foi-north.md").read_text("utf-8")

    sent = cli(campaign, "sent", "foi", "example-north", "--file", "foi-north.md", "--via", "email")
    assert sent.returncode == 0, sent.stderr
    assert "A reply is due by 2027-02-08" in sent.stderr
    assert yaml.safe_load(log.read_text("utf-8"))["letters"] == [
        {
            "trust": "example-north",
            "kind": "foi",
            "sent_on": SENT,
            "to": "foi",
            "via": "email",
            "draft": "foi-north.md",
            "reply_by": REPLY_BY,
        }
    ]

    waiting = cli(campaign, "due", "--fail-on", "overdue", today="2027-02-08")
    assert waiting.returncode == 0, waiting.stderr
    assert "due today" in waiting.stdout

    late = cli(campaign, "due", "--fail-on", "overdue", "--format", "json", today="2027-02-10")
    assert late.returncode == 1, late.stderr
    report = yaml.safe_load(late.stdout)
    assert report["summary"] == {"awaiting": 0, "overdue": 1, "undated": 0}
    (entry,) = report["letters"]
    assert (entry["trust"], entry["status"], entry["working_days_overdue"]) == (
        "example-north",
        "overdue",
        2,
    )

    replied = cli(
        campaign,
        "replied",
        "example-north",
        "foi",
        "--on",
        "2027-02-12",
        "--outcome",
        "partial",
        "--summary",
        "Plan sent; monthly figures withheld",
        "--url",
        "https://example.org/foi-reply",
        today="2027-02-12",
    )
    assert replied.returncode == 0, replied.stderr
    assert (
        "cocwatch record figure example-north --percent P --as-of YYYY-MM-DD --source-kind foi "
        "--source-url https://example.org/foi-reply --retrieved 2027-02-12"
    ) in replied.stderr
    after = cli(campaign, "due", "--fail-on", "overdue", today="2027-02-15")
    assert (after.returncode, after.stdout.strip()) == (0, "No letter is awaiting a reply.")
    every = cli(campaign, "due", "--all", "--format", "csv", today="2027-02-15")
    assert every.stdout.splitlines()[1:] == [
        "Example North NHS Trust (synthetic),foi,2027-01-11,2027-02-08,"
        "answered 2027-02-12 (partial)"
    ]


def test_appending_keeps_a_hand_edited_log_byte_for_byte(campaign: Path) -> None:
    log = campaign / "correspondence.yaml"
    text = textwrap.dedent(
        """\
        # Our letters (synthetic).   Kept in git.
        version: 1

        letters:
          # the first one
          - {trust: example-south, kind: board, sent_on: 2027-01-04}   # by hand
          - trust: example-north
            kind: foi
            sent_on: 2027-01-05
            notes: |
              Sent from the campaign address.
        # end of letters
        """
    )
    log.write_text(text, encoding="utf-8")
    assert cli(campaign, "sent", "mnvp", "example-north").returncode == 0
    assert cli(campaign, "replied", "example-north", "foi", "--on", "2027-01-11").returncode == 0
    after = log.read_text("utf-8")
    kept = [line for line in text.splitlines() if line.strip()]
    assert all(line in after.splitlines() for line in kept)
    data = yaml.safe_load(after)
    assert data["letters"][1]["replies"] == [{"received_on": date(2027, 1, 11)}]
    assert data["letters"][2]["kind"] == "mnvp"
    assert after.index("# end of letters") > after.index("kind: mnvp")


def test_usage_errors(campaign: Path) -> None:
    unknown = cli(campaign, "sent", "fio", "example-north")
    assert unknown.returncode == 2
    assert "There is no letter template called 'fio'. Did you mean foi?" in unknown.stderr
    national = cli(campaign, "sent", "minister", "example-north")
    assert (national.returncode, "national" in national.stderr) == (2, True)
    no_log = cli(campaign, "replied", "example-north", "--on", "2027-01-11")
    assert no_log.returncode == 2 and "does not exist yet" in no_log.stderr
    assert cli(campaign, "sent", "foi", "example-north").returncode == 0
    twice = cli(campaign, "sent", "foi", "example-north")
    assert twice.returncode == 2 and "already has a 'foi' letter" in twice.stderr
    early = cli(campaign, "replied", "example-north", "--on", "2027-01-10")
    assert early.returncode == 2 and "sent on or before 2027-01-10" in early.stderr
    bad_date = cli(campaign, "sent", "board", "example-north", "--on", "11/01/2027")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_a_broken_log_stops_due_with_exit_3(campaign: Path) -> None:
    (campaign / "correspondence.yaml").write_text(HAND_EDITED, encoding="utf-8")
    result = cli(campaign, "due")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "correspondence.yaml:9:9 (trust 'example-north'): unknown key" in result.stderr
    assert "example-nowhere" in result.stderr


def test_dry_run_shows_the_diff_and_writes_nothing(campaign: Path) -> None:
    result = cli(campaign, "sent", "foi", "example-north", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "+  - trust: example-north" in result.stdout
    assert not (campaign / "correspondence.yaml").exists()


def test_log_location_follows_option_env_and_config(campaign: Path) -> None:
    elsewhere = campaign / "shared" / "letters.yaml"
    (campaign / "config.yaml").write_text("correspondence: shared/letters.yaml\n", "utf-8")
    result = cli(
        campaign, "--config", str(campaign / "config.yaml"), "sent", "foi", "example-north"
    )
    assert result.returncode == 0, result.stderr
    assert elsewhere.is_file() and not (campaign / "correspondence.yaml").exists()
    option = campaign / "other.yaml"
    result = cli(campaign, "sent", "board", "example-north", "--log", str(option))
    assert result.returncode == 0 and option.is_file()


# --- crashes and concurrency ----------------------------------------------------------------


def test_killed_mid_write_loses_nothing(campaign: Path) -> None:
    log = campaign / "correspondence.yaml"
    assert cli(campaign, "sent", "foi", "example-north").returncode == 0
    before = log.read_bytes()
    # The writer stalls after the new text is in its temporary file; then it is killed.
    stall = (
        "import sys, time\n"
        "import cocwatch.files as files\n"
        "files.os.fsync = lambda fd: time.sleep(60)\n"
        "from cocwatch.cli import main\n"
        "sys.argv = ['cocwatch', 'sent', 'board', 'example-north']\n"
        "main()\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(campaign / "home"),
        "PYTHONPATH": str(SRC),
        "COCWATCH_TODAY": "2027-01-12",
        "COCWATCH_REGISTRY": str(campaign / "trusts.yaml"),
    }
    proc = subprocess.Popen([sys.executable, "-c", stall], cwd=campaign, env=env)
    try:
        deadline = time.monotonic() + 60
        while not any(p.suffix == ".tmp" for p in campaign.iterdir()):
            assert time.monotonic() < deadline, "the writer never started writing"
            assert proc.poll() is None, "the writer exited before it was killed"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert log.read_bytes() == before
    # The lock died with the process: the next run writes, and the log is whole.
    again = cli(campaign, "sent", "board", "example-north", today="2027-01-12")
    assert again.returncode == 0, again.stderr
    kinds = [entry["kind"] for entry in yaml.safe_load(log.read_text("utf-8"))["letters"]]
    assert kinds == ["foi", "board"]


def test_failed_replace_exits_4_and_keeps_the_log(
    campaign: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = campaign / "correspondence.yaml"
    log.write_text("# mine\nversion: 1\nletters: []\n", encoding="utf-8")
    before = log.read_bytes()

    def refuse(self: Path, target: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", refuse)
    monkeypatch.setenv("COCWATCH_TODAY", "2027-01-11")
    result = run("-r", str(campaign / "trusts.yaml"), "sent", "foi", "example-north")
    assert result.exit_code == 4
    assert f"Cannot write the correspondence log {log}: No space left on device" in result.stderr
    assert log.read_bytes() == before
    assert not [p for p in campaign.iterdir() if p.suffix == ".tmp"]


def test_concurrent_sends_all_land(campaign: Path) -> None:
    kinds = ["foi", "board", "mnvp"]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(campaign / "home"),
        "PYTHONPATH": str(SRC),
        "COCWATCH_TODAY": "2027-01-11",
        "COCWATCH_REGISTRY": str(campaign / "trusts.yaml"),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cocwatch", "sent", kind, trust],
            cwd=campaign,
            env=env,
            stderr=subprocess.PIPE,
        )
        for kind in kinds
        for trust in ("example-north", "example-south")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    letters = yaml.safe_load((campaign / "correspondence.yaml").read_text("utf-8"))["letters"]
    assert sorted((e["kind"], e["trust"]) for e in letters) == sorted(
        (k, t) for k in kinds for t in ("example-north", "example-south")
    )


# --- the finding, show, report and watch ----------------------------------------------------


def test_an_overdue_foi_request_is_a_finding_everywhere(campaign: Path) -> None:
    assert cli(campaign, "sent", "foi", "example-north", "--on", "2027-01-11").returncode == 0
    assert cli(campaign, "sent", "board", "example-south", "--on", "2027-01-11").returncode == 0

    on_time = cli(campaign, "check", "example-north", "--format", "json", today="2027-02-08")
    codes = [f["code"] for f in yaml.safe_load(on_time.stdout)["trusts"][0]["findings"]]
    assert "foi_overdue" not in codes

    late = cli(campaign, "check", "--all", "--format", "json", today="2027-02-09")
    trusts = {t["id"]: t for t in yaml.safe_load(late.stdout)["trusts"]}
    (finding,) = [f for f in trusts["example-north"]["findings"] if f["code"] == "foi_overdue"]
    assert finding["severity"] == "warn"
    assert finding["message"].startswith(
        "No reply is logged to the Freedom of Information request sent on 11 January 2027 "
        "(reply due by 8 February 2027)."
    )
    # An overdue Board letter is shown by `due`, but it is not an FOI duty.
    assert "foi_overdue" not in [f["code"] for f in trusts["example-south"]["findings"]]
    assert trusts["example-south"]["open_letters"] == [
        {
            "kind": "board",
            "sent_on": "2027-01-11",
            "reply_by": "2027-02-08",
            "status": "overdue",
            "working_days_overdue": 1,
        }
    ]

    shown = cli(campaign, "show", "example-north", today="2027-02-09")
    assert "Letter (foi)" in shown.stdout
    assert "overdue by 1 working day" in shown.stdout
    as_json = yaml.safe_load(
        cli(campaign, "show", "example-north", "--format", "json", today="2027-02-09").stdout
    )
    assert [(e["kind"], e["status"]) for e in as_json["correspondence"]] == [("foi", "overdue")]

    # The report is often published: the log's letters show only when asked for.
    private = cli(campaign, "report", "--out", "private", today="2027-02-09")
    assert private.returncode == 0, private.stderr
    page = (campaign / "private" / "trusts" / "example-north.html").read_text("utf-8")
    assert "awaiting a reply" not in page and "FOI reply overdue" not in page
    report = cli(campaign, "report", "--out", "site", "--correspondence", today="2027-02-09")
    assert report.returncode == 0, report.stderr
    page = (campaign / "site" / "trusts" / "example-north.html").read_text("utf-8")
    assert "FOI reply overdue" in page
    assert "Our letters awaiting a reply" in page
    assert "foi sent 11 January 2027, reply due by 8 February 2027: <strong>overdue by 1" in page


def test_watch_reports_a_reply_becoming_overdue_once(campaign: Path) -> None:
    assert cli(campaign, "sent", "foi", "example-north", "--on", "2027-01-11").returncode == 0
    state = ["watch", "--state", str(campaign / "state.sqlite3")]
    baseline = cli(campaign, *state, today="2027-02-08")
    assert "baseline recorded" in baseline.stdout
    assert cli(campaign, *state, today="2027-02-08").stdout == ""

    news = cli(campaign, *state, today="2027-02-09")
    assert news.returncode == 0, news.stderr
    assert (
        "new finding foi_overdue (warn): No reply is logged to the Freedom of Information "
        "request sent on 11 January 2027" in news.stdout
    )
    assert cli(campaign, *state, today="2027-02-10").stdout == ""  # once, not every night
    assert cli(campaign, *state, today="2027-02-11").stdout == ""

    answered = ["replied", "example-north", "foi", "--on", "2027-02-12"]
    assert cli(campaign, *answered, today="2027-02-12").returncode == 0
    resolved = cli(campaign, *state, today="2027-02-12")
    assert "finding resolved: foi_overdue" in resolved.stdout
    assert cli(campaign, *state, today="2027-02-15").stdout == ""


def test_config_show_names_the_log_and_reply_days(campaign: Path) -> None:
    (campaign / "config.yaml").write_text("reply_working_days: 10\n", "utf-8")
    shown = cli(campaign, "--config", "config.yaml", "config", "show", "--format", "json")
    rows = {row["setting"]: row for row in yaml.safe_load(shown.stdout)}
    assert rows["correspondence"]["value"] == str(campaign / "correspondence.yaml")
    assert rows["correspondence"]["origin"] == "beside the registry"
    assert (rows["reply_working_days"]["value"], rows["reply_working_days"]["origin"]) == (
        10,
        "config file",
    )
    sent = cli(campaign, "--config", "config.yaml", "sent", "board", "example-north")
    assert "A reply is due by 2027-01-25" in sent.stderr  # 10 working days


def test_a_log_kept_as_a_link_stays_a_link(campaign: Path) -> None:
    shared = campaign / "shared"
    shared.mkdir()
    (shared / "letters.yaml").write_text("# shared through git\nversion: 1\nletters: []\n", "utf-8")
    link = campaign / "correspondence.yaml"
    link.symlink_to(shared / "letters.yaml")
    assert cli(campaign, "sent", "foi", "example-north").returncode == 0
    assert link.is_symlink()
    text = (shared / "letters.yaml").read_text("utf-8")
    assert text.startswith("# shared through git\n") and "kind: foi" in text


def test_watch_reports_each_overdue_request_once(campaign: Path) -> None:
    state = ["watch", "--state", str(campaign / "state.sqlite3")]
    assert cli(campaign, "sent", "foi", "example-north", "--on", "2027-01-11").returncode == 0
    assert cli(campaign, "sent", "foi", "example-north", "--on", "2027-01-18").returncode == 0
    assert "baseline" in cli(campaign, *state, today="2027-02-08").stdout
    first = cli(campaign, *state, today="2027-02-09").stdout
    assert "new finding foi_overdue" in first and "18 January 2027" not in first
    second = cli(campaign, *state, today="2027-02-16").stdout
    assert "finding foi_overdue changed (warn)" in second
    assert "sent on 11 January 2027 (reply due by 8 February 2027) and the Freedom" in second
    assert cli(campaign, *state, today="2027-02-17").stdout == ""


def test_a_national_letter_is_logged_and_answered_without_a_trust(campaign: Path) -> None:
    assert cli(campaign, "sent", "minister", "--via", "post").returncode == 0
    late = cli(campaign, "due", "--format", "json", today="2027-02-09")
    (entry,) = yaml.safe_load(late.stdout)["letters"]
    assert (entry["trust"], entry["kind"], entry["status"]) == (None, "minister", "overdue")
    assert "(national)" in cli(campaign, "due", "--format", "csv", today="2027-02-09").stdout
    answered = cli(campaign, "replied", "minister", "--on", "2027-02-10", today="2027-02-10")
    assert answered.returncode == 0, answered.stderr
    assert "sent to national recipients on 2027-01-11" in answered.stderr
    after = cli(campaign, "due", today="2027-02-10")
    assert after.stdout.strip() == "No letter is awaiting a reply."


def test_a_reminder_awaits_no_reply_of_its_own(campaign: Path) -> None:
    assert cli(campaign, "sent", "foi", "example-north").returncode == 0
    chased = cli(campaign, "sent", "chaser", "example-north", today="2027-02-10")
    assert chased.returncode == 0, chased.stderr
    assert cli(campaign, "replied", "example-north", "foi", "--on", "2027-02-12").returncode == 0
    after = cli(campaign, "due", "--fail-on", "overdue", today="2027-03-30")
    assert (after.returncode, after.stdout.strip()) == (0, "No letter is awaiting a reply.")
    every = cli(campaign, "due", "--all", "--format", "json", today="2027-03-30").stdout
    assert [e["status"] for e in yaml.safe_load(every)["letters"]] == ["answered", "reminder"]


def test_quiet_due_prints_only_the_summary(campaign: Path) -> None:
    assert cli(campaign, "-q", "due").stdout == ""  # nothing logged: nothing to say
    assert cli(campaign, "sent", "foi", "example-north", "--on", "2027-01-11").returncode == 0
    assert cli(campaign, "sent", "board", "example-south", "--on", "2027-01-11").returncode == 0
    quiet = cli(campaign, "due", "-q", "--fail-on", "overdue", today="2027-02-09")
    assert quiet.returncode == 1
    assert quiet.stdout == "2 letters are awaiting a reply, 2 of them overdue.\n"
    one = cli(campaign, "-q", "due", "example-north", today="2027-01-12")
    assert one.stdout == "1 letter is awaiting a reply; it is not overdue yet.\n"
    # Machine formats are the data itself, quiet or not.
    assert cli(campaign, "-q", "due", "-f", "csv").stdout.count("\n") == 3


def test_choices_are_case_insensitive(campaign: Path) -> None:
    sent = cli(campaign, "sent", "FOI", "example-north", "--via", "Email")
    assert sent.returncode == 0, sent.stderr
    replied = cli(
        campaign, "replied", "foi", "example-north", "--on", "2027-01-12", "--outcome", "REFUSED"
    )
    assert replied.returncode == 0, replied.stderr
    (letter,) = yaml.safe_load((campaign / "correspondence.yaml").read_text("utf-8"))["letters"]
    assert (letter["kind"], letter["via"]) == ("foi", "email")
    assert letter["replies"][0]["outcome"] == "refused"
    assert cli(campaign, "due", "--fail-on", "OVERDUE").returncode == 0


def test_a_request_withdrawn_on_the_site_awaits_no_reply() -> None:
    withdrawn = letter(
        request_url="https://www.whatdotheyknow.com/request/example",
        request_events=[{"changed_on": date(2027, 1, 20), "state": "user_withdrawn"}],
    )
    assert letter_state(0, withdrawn, as_of=date(2027, 1, 19), rules=NO_HOLIDAYS).open
    late = letter_state(0, withdrawn, as_of=date(2027, 3, 1), rules=NO_HOLIDAYS)
    assert late.status == "closed"
