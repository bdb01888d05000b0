"""`cocwatch answers` against a table worked out by hand, for a synthetic log of 30 letters.

The log (synthetic test data) runs from November 2026 to February 2027, across Christmas:
the FOI calendar skips St Andrew's Day (Monday 30 November 2026), Christmas Day (Friday 25
December), Boxing Day's bank holiday (Monday 28 December), New Year's Day (Friday 1 January
2027) and Scotland's 2 January holiday (Monday 4 January). The as-of date is Friday 29
January 2027. Numbering the working days from Monday 2 November 2026 (day 1), 27 November is
day 20, 1 December day 21, 24 December day 38, 29 December day 39, 31 December day 41,
5 January day 42 and 29 January day 60; the working days from a letter to a reply are the
difference of the two numbers (a letter sent on a holiday counts from the working day before).
Each expected row below says how it was worked out.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.correspondence.test_correspondence import campaign, cli  # noqa: F401
from tests.correspondence.test_icb_letters import with_icbs

REQUEST = "https://www.whatdotheyknow.com/request/continuity_of_carer_plan_south"

LOG = f"""\
version: 1
letters:
  # 1-6: FOI requests to Example North
  - {{trust: example-north, kind: foi, sent_on: 2026-11-02,
     replies: [{{received_on: 2026-12-01}}]}}          # day 1 -> 21: the reply-by date itself
  - {{trust: example-north, kind: foi, sent_on: 2026-11-16,
     replies: [{{received_on: 2026-12-22}}]}}          # day 11 -> 36: 25, late (due day 31)
  - {{trust: example-north, kind: foi, sent_on: 2026-12-07,
     replies: [{{received_on: 2027-01-08}}]}}          # day 25 -> 45, due 8 January: 20
  - {{trust: example-north, kind: foi, sent_on: 2026-12-14,
     replies: [{{received_on: 2026-12-15, outcome: acknowledged}}]}}  # open: 60 - 30 = 30
  - {{trust: example-north, kind: foi, sent_on: 2027-01-11}}  # open: 60 - 46 = 14
  - {{trust: example-north, kind: foi, sent_on: 2026-11-20, closed_on: 2026-12-01}}
  # 7-11, 30: FOI requests to Example South (11 made on WhatDoTheyKnow, its replies logged)
  - {{trust: example-south, kind: foi, sent_on: 2026-11-03,
     replies: [{{received_on: 2026-11-17}}]}}          # day 2 -> 12: 10
  - {{trust: example-south, kind: foi, sent_on: 2026-11-27,
     replies: [{{received_on: 2026-12-30}}]}}          # day 20 -> 40, the reply-by date: 20
  - {{trust: example-south, kind: foi, sent_on: 2026-12-01,
     replies: [{{received_on: 2027-01-05}}]}}          # day 21 -> 42: 21, late (due 31 Dec)
  - {{trust: example-south, kind: foi, sent_on: 2026-12-18,
     replies: [{{received_on: 2027-01-21}}]}}          # day 34 -> 54, the reply-by date: 20
  - trust: example-south
    kind: foi
    sent_on: 2026-12-24
    via: web
    request_url: {REQUEST}
    replies:
      - {{received_on: 2026-12-29, outcome: acknowledged}}
      - {{received_on: 2027-01-26, url: {REQUEST}#incoming-1}}  # day 38 -> 57: 19
  # 12-13: Board letters to Example North (20 working days)
  - {{trust: example-north, kind: board, sent_on: 2026-11-09,
     replies: [{{received_on: 2026-11-26}}]}}          # day 6 -> 19: 13
  - {{trust: example-north, kind: board, sent_on: 2026-12-21,
     replies: [{{received_on: 2027-01-26}}]}}          # day 35 -> 57: 22, late (due day 55)
  # 14-15, 27: Board letters to Example South
  - {{trust: example-south, kind: board, sent_on: 2026-11-10, reply_by: 2026-11-24,
     replies: [{{received_on: 2026-11-25}}]}}          # day 7 -> 18: 11, after its own date
  - {{trust: example-south, kind: board, sent_on: 2027-01-04}}  # a holiday: 60 - 41 = 19
  # 16-18: rights of reply (10 working days)
  - {{trust: example-north, kind: right-of-reply, sent_on: 2026-12-14,
     replies: [{{received_on: 2026-12-30}}]}}          # day 30 -> 40, the reply-by date: 10
  - {{trust: example-south, kind: right-of-reply, sent_on: 2026-12-14}}  # lapsed: 60 - 30 = 30
  - {{trust: example-south, kind: right-of-reply, sent_on: 2027-01-18,
     replies: [{{received_on: 2027-01-20}}]}}          # day 51 -> 53: 2
  # 19-20: an internal review, and a reminder (not counted: it awaits no reply of its own)
  - {{trust: example-north, kind: foi-review, sent_on: 2027-01-05, follows: foi,
     follows_sent_on: 2026-11-16}}                     # open: 60 - 42 = 18
  - {{trust: example-north, kind: chaser, sent_on: 2027-01-18, follows: foi,
     follows_sent_on: 2026-12-14}}
  # 21-23: letters to the minister (national)
  - {{kind: minister, sent_on: 2026-11-02,
     replies: [{{received_on: 2026-12-04}}]}}          # day 1 -> 24: 23, late (due day 21)
  - {{kind: minister, sent_on: 2026-12-23}}           # open: 60 - 37 = 23
  - {{kind: minister, sent_on: 2027-01-13,
     replies: [{{received_on: 2027-01-13}}]}}          # the same day: 0
  # 24-25: sent on a day nobody recorded: left out, and counted
  - {{trust: example-north, kind: board, sent_on: }}
  - {{trust: example-south, kind: foi, sent_on: }}
  # 26: sent after the as-of date: not yet counted
  - {{trust: example-north, kind: foi, sent_on: 2027-02-01}}
  # 27: answered after the as-of date: still open on it (60 - 39 = 21)
  - {{trust: example-south, kind: board, sent_on: 2026-12-29,
     replies: [{{received_on: 2027-02-03}}]}}
  # 28-29: MNVP letters to Example North (20 working days)
  - {{trust: example-north, kind: mnvp, sent_on: 2026-11-24,
     replies: [{{received_on: 2026-12-24}}]}}          # day 17 -> 38: 21, late (due day 37)
  - {{trust: example-north, kind: mnvp, sent_on: 2026-12-31,
     replies: [{{received_on: 2027-01-29}}]}}          # day 41 -> 60: 19
  # 30: a refusal is an answer
  - {{trust: example-south, kind: foi, sent_on: 2027-01-06,
     replies: [{{received_on: 2027-01-07, outcome: refused}}]}}  # day 43 -> 44: 1
"""

NORTH = "Example North NHS Trust (synthetic)"
SOUTH = "Example South NHS Foundation Trust (synthetic)"
COLUMNS = [
    "body",
    "name",
    "kind",
    "sent",
    "answered",
    "in_time",
    "median_days",
    "longest_open_days",
]
# Worked out by hand from the comments in LOG (see the module's docstring).
BY_TRUST = [
    # letters 12, 13 (24 has no date): 13 in time, 22 late; median (13 + 22) / 2
    ["example-north", NORTH, "board", 2, 2, 1, 17.5, None],
    # 1-6 (26 is later): 20 and 20 in time, 25 late; 4 and 5 open; 6 closed
    ["example-north", NORTH, "foi", 6, 3, 2, 20, 30],
    ["example-north", NORTH, "foi-review", 1, 0, 0, None, 18],
    # 28, 29: 21 late, 19 in time
    ["example-north", NORTH, "mnvp", 2, 2, 1, 20, None],
    ["example-north", NORTH, "right-of-reply", 1, 1, 1, 10, None],
    # 14 late (its own reply-by date), 15 and 27 open
    ["example-south", SOUTH, "board", 3, 1, 0, 11, 21],
    # 7-11, 30 (25 has no date): 10, 20, 21 (late), 20, 19, 1; median (19 + 20) / 2
    ["example-south", SOUTH, "foi", 6, 6, 5, 19.5, None],
    ["example-south", SOUTH, "right-of-reply", 2, 1, 1, 2, 30],
    # 21 late, 22 open, 23 the same day; median (23 + 0) / 2
    ["national", "National recipients", "minister", 3, 2, 1, 11.5, 23],
]


def test_answers_match_the_table_worked_out_by_hand(campaign: Path) -> None:  # noqa: F811
    (campaign / "correspondence.yaml").write_text(LOG, encoding="utf-8")
    shown = cli(campaign, "answers", "--offline", "--format", "json", today="2027-01-29")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert (data["as_of"], data["by"], data["left_out"]) == ("2027-01-29", "trust", {"undated": 2})
    assert [[row[c] for c in COLUMNS] for row in data["answers"]] == BY_TRUST

    as_csv = cli(campaign, "answers", "--offline", "--format", "csv", today="2027-01-29")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == COLUMNS
    assert rows[1:] == [["" if v is None else str(v) for v in row] for row in BY_TRUST]

    as_md = cli(campaign, "answers", "--offline", "--format", "markdown", today="2027-01-29")
    assert f"| example-south | {SOUTH} | foi | 6 | 6 | 5 | 19.5 |  |" in as_md.stdout
    assert "Left out: 2 letters in the log have no sent date (entry 24, 'board' to " in as_md.stdout


def test_unanswered_letters_not_yet_due_are_told_apart(campaign: Path) -> None:  # noqa: F811
    """On day 60 an unanswered letter is not yet due when its reply-by date is day 60 or
    later: North's FOI of 11 January (day 46 + 20 = 66), its review of 5 January (42 + 20 =
    62) and South's Board letter of 4 January (a holiday: 41 + 20 = 61). North's FOI of 14
    December (due day 50), South's Board letter of 29 December (due 59), its lapsed right of
    reply and the minister's letter of 23 December (due 57) are past their dates."""
    (campaign / "correspondence.yaml").write_text(LOG, encoding="utf-8")
    shown = cli(campaign, "answers", "--offline", "--format", "json", today="2027-01-29")
    rows = {(r["body"], r["kind"]): r for r in json.loads(shown.stdout)["answers"]}
    not_yet_due = {key: r["not_yet_due"] for key, r in rows.items() if r["unanswered"]}
    assert not_yet_due == {
        ("example-north", "foi"): 1,
        ("example-north", "foi-review"): 1,
        ("example-south", "board"): 1,
        ("example-south", "right-of-reply"): 0,
        ("national", "minister"): 0,
    }
    assert rows[("example-north", "foi")]["unanswered"] == 2


def test_answers_by_region_put_each_trust_under_its_region(campaign: Path) -> None:  # noqa: F811
    (campaign / "correspondence.yaml").write_text(LOG, encoding="utf-8")
    shown = cli(
        campaign, "answers", "--offline", "--by", "region", "--format", "json", today="2027-01-29"
    )
    assert shown.returncode == 0, shown.stderr
    regions = {"example-north": "North East and Yorkshire", "example-south": "South West"}
    expected = [
        [regions.get(row[0], row[0]), regions.get(row[0], row[1]), *row[2:]] for row in BY_TRUST
    ]
    got = [[row[c] for c in COLUMNS] for row in json.loads(shown.stdout)["answers"]]
    assert sorted(got, key=str) == sorted(expected, key=str)


def test_answers_without_a_log_says_so(campaign: Path) -> None:  # noqa: F811
    shown = cli(campaign, "answers", "--offline", today="2027-01-29")
    assert shown.returncode == 0, shown.stderr
    assert "No correspondence log yet" in shown.stdout


ICB = "NHS Example Integrated Care Board (synthetic)"
# Both Trusts in one ICB: its rows add up the two Trusts' letters of each kind.
BY_ICB = [
    # 12, 13, 14 answered (13, 22, 11 days: only 12 in time); 15 and 27 open
    ["QZZ", ICB, "board", 5, 3, 1, 13, 21],
    # days 20, 25, 20, 10, 20, 21, 20, 19, 1: the 5th of the 9 in order is 20
    ["QZZ", ICB, "foi", 12, 9, 7, 20, 30],
    ["QZZ", ICB, "foi-review", 1, 0, 0, None, 18],
    ["QZZ", ICB, "mnvp", 2, 2, 1, 20, None],
    # 10 and 2 days: median 6; 17 lapsed, 30 working days ago
    ["QZZ", ICB, "right-of-reply", 3, 2, 2, 6, 30],
    ["national", "National recipients", "minister", 3, 2, 1, 11.5, 23],
]


def test_answers_by_icb_add_up_its_trusts(campaign: Path) -> None:  # noqa: F811
    registry = (campaign / "trusts.yaml").read_text("utf-8")
    registry = registry.replace(
        "trusts:\n",
        f"icbs:\n  - code: QZZ\n    name: {ICB}\n    region: North East and Yorkshire\ntrusts:\n",
        1,
    )
    registry = registry.replace(
        "    region: South West\n", "    region: South West\n    icb: QZZ\n"
    )
    registry = registry.replace(
        "    region: North East and Yorkshire\n    figures:",
        "    region: North East and Yorkshire\n    icb: QZZ\n    figures:",
    )
    (campaign / "trusts.yaml").write_text(registry, encoding="utf-8")
    (campaign / "correspondence.yaml").write_text(LOG, encoding="utf-8")
    shown = cli(
        campaign, "answers", "--offline", "--by", "icb", "--format", "json", today="2027-01-29"
    )
    assert shown.returncode == 0, shown.stderr
    assert [[row[c] for c in COLUMNS] for row in json.loads(shown.stdout)["answers"]] == BY_ICB


TODAY = "2027-01-29"
# 31-33: letters to the ICB itself (`icb: QZZ`), with the same calendar as LOG.
ICB_LETTERS = """\
  # 31-32: letters to the ICB and its LMNS (20 working days: the reply-by date is day 21)
  - {icb: QZZ, kind: lmns, sent_on: 2026-11-02,
     replies: [{received_on: 2026-11-27}]}          # day 1 -> 20: 19, in time
  - {icb: QZZ, kind: lmns, sent_on: 2027-01-05}   # open: 60 - 42 = 18
  # 33: an FOI request to the ICB (due day 41, 31 December)
  - {icb: QZZ, kind: foi, sent_on: 2026-12-01,
     replies: [{received_on: 2026-12-29}]}          # day 21 -> 39: 18, in time
"""
# The ICB's own rows, worked out by hand from the comments in ICB_LETTERS: by Trust (the
# default) the ICB is a body of its own, `icb:QZZ`, after the Trusts and before `national`.
ICB_OWN = [
    ["icb:QZZ", ICB, "foi", 1, 1, 1, 18, None],
    ["icb:QZZ", ICB, "lmns", 2, 1, 1, 19, 18],
]
# By ICB, the ICB's own letters count with its Trusts' (BY_ICB above):
BY_ICB_WITH_ITS_OWN = [
    BY_ICB[0],
    # 9 answered before (days 20, 25, 20, 10, 20, 21, 20, 19, 1) and 33 (18, in time): in
    # order 1, 10, 18, 19, 20, 20, 20, 20, 21, 25, so the median is (20 + 20) / 2
    ["QZZ", ICB, "foi", 13, 10, 8, 20, 30],
    BY_ICB[2],
    ["QZZ", ICB, "lmns", 2, 1, 1, 19, 18],
    *BY_ICB[3:],
]
NORTH_EAST = "North East and Yorkshire"
# By region, the ICB's letters count in the ICB's region (North East and Yorkshire), with
# Example North's; Example South's are in the South West.
BY_REGION_WITH_THE_ICB = [
    [NORTH_EAST, NORTH_EAST, "board", 2, 2, 1, 17.5, None],
    # Example North's 1-6 (days 20, 25, 20; open 30 and 14) and 33 (18): median of
    # 18, 20, 20, 25 is 20
    [NORTH_EAST, NORTH_EAST, "foi", 7, 4, 3, 20, 30],
    [NORTH_EAST, NORTH_EAST, "foi-review", 1, 0, 0, None, 18],
    [NORTH_EAST, NORTH_EAST, "lmns", 2, 1, 1, 19, 18],
    [NORTH_EAST, NORTH_EAST, "mnvp", 2, 2, 1, 20, None],
    [NORTH_EAST, NORTH_EAST, "right-of-reply", 1, 1, 1, 10, None],
    ["South West", "South West", "board", 3, 1, 0, 11, 21],
    ["South West", "South West", "foi", 6, 6, 5, 19.5, None],
    ["South West", "South West", "right-of-reply", 2, 1, 1, 2, 30],
    ["national", "National recipients", "minister", 3, 2, 1, 11.5, 23],
]


def test_answers_give_an_icb_its_own_row_and_count_it_by_icb_and_region(
    campaign: Path,  # noqa: F811
) -> None:
    with_icbs(campaign)
    (campaign / "correspondence.yaml").write_text(LOG + ICB_LETTERS, encoding="utf-8")

    def answers(*args: str) -> list[list[object]]:
        shown = cli(campaign, "answers", "--offline", *args, "--format", "json", today=TODAY)
        assert shown.returncode == 0, shown.stderr
        return [[row[c] for c in COLUMNS] for row in json.loads(shown.stdout)["answers"]]

    assert answers() == BY_TRUST[:-1] + ICB_OWN + BY_TRUST[-1:]
    assert answers("--by", "icb") == BY_ICB_WITH_ITS_OWN
    assert answers("--by", "region") == BY_REGION_WITH_THE_ICB

    as_csv = cli(campaign, "answers", "--offline", "--format", "csv", today=TODAY)
    assert f"icb:QZZ,{ICB},lmns,2,1,1,19,18" in as_csv.stdout.splitlines()
    as_md = cli(campaign, "answers", "--offline", "--format", "markdown", today=TODAY)
    assert f"| icb:QZZ | {ICB} | foi | 1 | 1 | 1 | 18 |  |" in as_md.stdout
    assert "| Id | Trust or ICB | Letter |" in as_md.stdout
