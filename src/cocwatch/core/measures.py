"""What a figure counts: the registry's measures, and how an official source declares its own.

Two things live here, both plain values (the standard library and `cocwatch.core.kinds`):

- the registry's vocabulary of measures (SPEC §3): `Measure`, what a figure, target or
  milestone counts; the order that settles two figures of one date; the default; and the
  words for each (`MEASURE`, named variants as in `cocwatch.core.wording`);
- the types an official source declares its measures with. A measure is one object
  (`OfficialMeasure`): the registry measure its figures are recorded as and the publisher's
  own code; its words and unit; its groups, and the pairs compared within a Trust; what
  passing the publisher's quality checks means, and which data-quality measures explain a
  failure, with their units; and its `Publisher`. `Declared` gathers the declarations of the
  sources in use, and the core reads every source's conventions from it: no module outside a
  source's own names its measures, codes or conventions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from cocwatch.core.kinds import Cohort
    from cocwatch.core.official import Observation

# ------------------------------------------------------------------ the registry's measures

Measure = Literal["placed_by_28_weeks", "receiving_ongoing", "offered", "other"]
# Preference when two figures of a cohort share a date (SPEC §4): earlier wins.
MEASURE_PREFERENCE: tuple[Measure, ...] = (
    "placed_by_28_weeks",
    "receiving_ongoing",
    "offered",
    "other",
)
DEFAULT_MEASURE: Measure = MEASURE_PREFERENCE[0]  # what a figure counts unless it says


def preference(measure: str) -> int:
    """A measure's place in MEASURE_PREFERENCE; a source's own measure comes after them."""
    known: tuple[str, ...] = MEASURE_PREFERENCE
    return known.index(measure) if measure in known else len(known)


@dataclass(frozen=True, slots=True)
class MeasureWords:
    """The names of what a figure counts."""

    sentence: str  # after "women …": "placed on a continuity of carer pathway by 28 weeks"
    short: str  # in a narrow column: "placed by 28 wks"
    counted: str  # a letter's fuller form, after "women …"
    data: str  # what the data is about: "placements on a continuity of carer pathway"
    # A letter's clause for a figure recorded from a Board paper or an FOI answer, whose
    # denominator cocwatch does not know: "{amount} {who} were placed …, in figures for
    # {period}" ({period}: "April 2025", or "the period ending 3 May 2025").
    recorded: str = "{amount} {who} had continuity of carer in {period}"

    @property
    def label(self) -> str:
        """For a table cell: "Placed on a continuity of carer pathway by 28 weeks"."""
        return self.sentence[:1].upper() + self.sentence[1:]

    @staticmethod
    def unnamed(code: str) -> MeasureWords:
        """Words for a measure nobody has named (a source no longer installed, say)."""
        words = code.replace("_", " ")
        return MeasureWords(words, words, words, words)


MEASURE: Mapping[str, MeasureWords] = {
    "placed_by_28_weeks": MeasureWords(
        sentence="placed on a continuity of carer pathway by 28 weeks",
        short="placed by 28 wks",
        counted="placed on a continuity of carer pathway by 28 weeks",
        data="placements on a continuity of carer pathway",
        recorded="{amount} {who} were placed on a continuity of carer pathway by 28 weeks of "
        "pregnancy, in figures for {period}",
    ),
    "receiving_ongoing": MeasureWords(
        sentence="receiving continuity of carer",
        short="receiving",
        counted="receiving continuity of carer through pregnancy and birth",
        data="continuity of carer received through pregnancy and birth",
        recorded="{amount} {who} received continuity of carer, in figures for {period}",
    ),
    "offered": MeasureWords(
        sentence="offered continuity of carer",
        short="offered",
        counted="offered continuity of carer",
        data="offers of continuity of carer",
        recorded="{amount} {who} could be offered continuity of carer in {period}",
    ),
    "other": MeasureWords(
        sentence="continuity of carer (other measure)",
        short="other",
        counted="having continuity of carer (on another measure)",
        data="continuity of carer",
        recorded="{amount} {who} had continuity of carer in {period}, on the measure the "
        "source uses",
    ),
}

# ------------------------------------------------------------------ an official source's measures


@dataclass(frozen=True, slots=True)
class Unit:
    """What a count counts: 'women', 'antenatal contacts'."""

    one: str
    many: str

    def of(self, count: int) -> str:
        return self.one if count == 1 else self.many


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes a source's statistics, and the words for what they do."""

    name: str  # "NHS England"
    publication: str  # a figure's citation starts with it: "NHS England, … Statistics"
    title: str  # its statistics' own name: "Maternity Services Monthly Statistics"
    index_url: str  # the series' page, cited when a kept file records no page of its own
    series: str  # the statistics in running text: "the NHS Maternity Services Monthly …"
    cadence: str  # when a month comes out: "NHS England publishes each month about …"
    # Its disclosure control, in words: "NHS England publishes any count from 1 to 7 as 5"
    # and "rounds other counts to the nearest 5".
    suppression: str = ""
    rounding: str = ""
    withheld: str = ""  # how a rate withheld for failed data quality is written: "Low DQ"
    # The release a month's file belongs to, by its publisher's own name ("Final March 2025,
    # Provisional April 2025"), given the month's last day and whether the file is
    # provisional; None where the publisher's naming is not known for that month.
    release: Callable[[date, bool], str | None] | None = None

    def release_of(self, month: date, *, provisional: bool) -> str | None:
        return self.release(month, provisional) if self.release is not None else None

    @property
    def possessive(self) -> str:
        return f"{self.name}'s"

    @property
    def checks(self) -> str:
        """'NHS England's checks', as in 'Trusts whose data passed NHS England's checks'."""
        return f"{self.possessive} checks"

    @property
    def quality_checks(self) -> str:
        """ "NHS England's data-quality checks"."""
        return f"{self.possessive} data-quality checks"


@dataclass(frozen=True, slots=True)
class Group:
    """One breakdown of a measure, named as its publisher defines it."""

    code: str  # the source's own name of the breakdown: "ethnicity_bame"
    who: str  # the group in a sentence, as its publisher defines it: "women from …"
    cohort: Cohort | None = None  # the registry cohort its figures are recorded as
    published_as: str = ""  # the publisher's own name for it, where people meet it

    @property
    def label(self) -> str:
        """For a heading: "Women from …"."""
        return self.who[:1].upper() + self.who[1:]


@dataclass(frozen=True, slots=True)
class EquityPair:
    """A targeted group, and the group it is compared with within a Trust (SPEC §4.1)."""

    group: Group  # its cohort names the targeted group: ethnic_minority, most_deprived
    comparison: Group

    @property
    def cohort(self) -> Cohort:
        assert self.group.cohort is not None  # a declared pair compares a registry cohort
        return self.group.cohort


@dataclass(frozen=True, slots=True)
class QualityCheck:
    """A data-quality measure that governs a headline measure, and how to say a failure."""

    code: str  # the measure of its observations (the publisher's code, in lower case)
    label: str  # as the publisher writes it
    unit: Unit | None = None  # None: not confirmed, so its counts are not given
    # What a failure with no one counted (0 of 0) shows, when it shows something; and the
    # question it leaves the Trust (it may be no continuity at all, not a recording fault).
    when_empty: str | None = None
    ask_when_empty: str | None = None

    def empty(self, observation: Observation) -> bool:
        """Whether it counted no one (0 of 0) and that says something (`when_empty`)."""
        return observation.denominator == 0 and self.when_empty is not None

    def failure(
        self,
        observation: Observation,
        numerator_words: Callable[[int], str] = "{:,}".format,
        denominator_words: Callable[[int], str] = "{:,}".format,
    ) -> str:
        """Its failure in words: '<label> failed (240 of 8,860 antenatal contacts)', each
        count said by the words given (a published 5 as 'a few'); a count whose unit is not
        declared is left out ('<label> failed')."""
        n, d = observation.numerator, observation.denominator
        if self.empty(observation):
            return f"{self.label} is 0 of 0: {self.when_empty}"
        if n is None or d is None or self.unit is None:
            return f"{self.label} failed"
        counted = f"{numerator_words(n)} of {denominator_words(d)}"
        return f"{self.label} failed ({counted} {self.unit.of(d)})"


@dataclass(frozen=True, slots=True)
class OfficialMeasure:
    """One measure an official source publishes per Trust, and all that is said of it."""

    code: str  # the registry measure its figures are recorded as: "placed_by_28_weeks"
    indicator: str  # the publisher's own code for it
    source: str  # the source that declares it: "msds"
    publisher: Publisher
    key: str  # its name in check's JSON "comparisons": "placement"
    heading: str  # its one-word heading in check TRUST and the table: "Placed"
    caption: str  # its heading on a report page: "Placed on a pathway"
    name: str  # a noun phrase: "placement on a continuity of carer pathway by 28 weeks"
    words: MeasureWords  # its named variants, as the registry's measures have them
    unit: Unit
    # What a figure counts, as a clause after who was counted and before the month they
    # were counted in: "reaching 29 weeks" (a letter: "reaching 29 weeks of pregnancy"),
    # and what happened to them: "were placed on a continuity of carer pathway".
    counted: str
    counted_long: str
    outcome: str
    # The same in a plot's words: how many "reached 29 weeks" that month, and the share of
    # them "placed on a continuity of carer pathway".
    counted_past: str
    achieved: str
    # Whether a provider's headline observation passed the publisher's quality checks: only
    # then is it ranked, placed on the funnel and compared (SPEC §4.1).
    passed: Callable[[Observation], bool]
    # A figure published for month M counts those counted in month M - lag_months.
    lag_months: int = 0
    everyone: bool = False  # the denominator is everyone counted ("all women who …")
    groups: tuple[Group, ...] = ()  # its breakdowns that are registry cohorts
    equity: tuple[EquityPair, ...] = ()  # compared within a Trust, in its figure's month
    checks: tuple[QualityCheck, ...] = ()  # the data-quality measures that govern it
    decides_severity: bool = False  # a figure lower than England's raises severity
    over_time: bool = False  # its monthly series is compared with a year earlier, and charted
    improvement: Literal["up", "down"] = "up"  # which way is better, on its charts
    table_note: str = ""  # what the check table's column shows
    rate: str = "official rate"  # the rate it is, in a few words: "placement rate"

    @property
    def groups_compared(self) -> frozenset[str]:
        """Every group its comparisons read: all, its cohorts' groups and the equity pairs'."""
        found = {"all", *(g.code for g in self.groups)}
        found |= {g.code for pair in self.equity for g in (pair.group, pair.comparison)}
        return frozenset(found)


@dataclass(frozen=True, slots=True)
class SourceDeclaration:
    """What the core knows of one official source: its measures and their conventions."""

    name: str  # "msds": the statistics folder's name for its files
    kind: str  # the registry's `source.kind` of its figures
    title: str  # the kind in words: "Maternity Services Data Set (MSDS)"
    publisher: Publisher
    measures: tuple[OfficialMeasure, ...]
    update: str = ""  # the command that brings its newer files, if there is one
    # Every measure its figures use, data-quality ones included (read from the store).
    read_measures: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Declared:
    """The declarations of the official sources in use, in the order they are listed."""

    sources: tuple[SourceDeclaration, ...] = ()

    @property
    def measures(self) -> tuple[OfficialMeasure, ...]:
        return tuple(m for s in self.sources for m in s.measures)

    def measure(self, code: str) -> OfficialMeasure | None:
        """The official measure recorded as `code` (the first source's that declares it)."""
        return next((m for m in self.measures if m.code == code), None)

    def source(self, kind: str) -> SourceDeclaration | None:
        """The source whose figures have this `source.kind`."""
        return next((s for s in self.sources if s.kind == kind), None)

    def publisher(self, kind: str) -> Publisher | None:
        """The publisher of the official source whose figures have this `source.kind`."""
        source = self.source(kind)
        return source.publisher if source is not None else None

    def kind_of(self, measure: OfficialMeasure) -> str:
        """The registry's `source.kind` of a declared measure's figures."""
        return next(s.kind for s in self.sources if s.name == measure.source)

    def words(self, measure: str) -> MeasureWords:
        """The words for a measure: the registry's own, else its source's, else its code."""
        found = MEASURE.get(measure)
        if found is not None:
            return found
        declared = self.measure(measure)
        return declared.words if declared is not None else MeasureWords.unnamed(measure)

    def kind_words(self, kind: str) -> str | None:
        """An official source's kind in words, e.g. 'Maternity Services Data Set (MSDS)'."""
        source = self.source(kind)
        return source.title if source is not None else None

    def group(self, cohort: str) -> Group | None:
        """How the first source that breaks its figures down by `cohort` names that group."""
        return next((g for m in self.measures for g in m.groups if g.cohort == cohort), None)

    def comparison_group(self, cohort: str) -> Group | None:
        """What the targeted group `cohort` is compared with within a Trust."""
        pairs = (p for m in self.measures for p in m.equity)
        return next((p.comparison for p in pairs if p.cohort == cohort), None)

    def publishers(self, kinds: Iterable[str] | None = None) -> tuple[Publisher, ...]:
        """The publishers of the sources (of these kinds), each once."""
        wanted = None if kinds is None else set(kinds)
        chosen = [s for s in self.sources if wanted is None or s.kind in wanted]
        return tuple(dict.fromkeys(s.publisher for s in chosen))


NOTHING_DECLARED = Declared()
# Who to name when no declared source says (a registry whose figures' source is unknown).
NO_PUBLISHER = Publisher(
    name="the publisher",
    publication="",
    title="statistics",
    index_url="",
    series="the official statistics",
    cadence="",
)
