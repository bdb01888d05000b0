"""The view of one published figure: its numbers, and a clause that names what it measures.

An official figure is said as its source declares its measure (who was counted, in which
month, and what happened to them: `cocwatch.core.measures`); a figure recorded from a Board
paper or an FOI answer in the registry's own words for its measure. Pure; imports the
registry models, the declarations, the letters' words and citations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from cocwatch.core import wording
from cocwatch.core.letters.citations import SourceView, source_view
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.words import group_who, uk_date
from cocwatch.core.measures import NO_PUBLISHER, NOTHING_DECLARED, Declared
from cocwatch.core.models import Figure


@dataclass(frozen=True, slots=True)
class FigureView:
    """One published figure for one cohort."""

    cohort: Annotated[str, Doc("all, ethnic_minority or most_deprived.")]
    who: Annotated[str, Doc("The cohort in a sentence: 'women from ...'.")]
    measure: Annotated[
        str, Doc("What it counts, as the registry names it (`measure:`), or a source's own.")
    ]
    percent: Annotated[
        float | None, Doc("The percentage (0-100); None when the data failed quality checks.")
    ]
    percent_text: Annotated[str, Doc("It in words: '17.2%', or 'no percentage'.")]
    numerator: Annotated[int | None, Doc("Women counted, if published.")]
    denominator: Annotated[int | None, Doc("Out of how many, if published.")]
    as_of: Annotated[date, Doc("End of the period the figure describes.")]
    as_of_long: Annotated[str, Doc("That date in words.")]
    provisional: Annotated[bool, Doc("Whether the figure is provisional.")]
    quality: Annotated[str, Doc("Its publisher's data-quality result: pass, fail or unknown.")]
    small_numbers: Annotated[
        bool, Doc("Whether a published count of 5 (standing for 1 to 7) underlies it.")
    ]
    caveats: Annotated[tuple[str, ...], Doc("Caveats in words (provisional, failed quality).")]
    statement: Annotated[
        str,
        Doc(
            "The figure as a clause naming its measure and month: '17.1% of women reaching "
            "29 weeks of pregnancy in April 2025 were placed on a continuity of carer pathway'; "
            "counts instead of a rate for small numbers."
        ),
    ]
    summary: Annotated[str, Doc("statement + caveats (provisional, quality, small numbers).")]
    source: Annotated[SourceView, Doc("Where it was published.")]
    citation: Annotated[SourceView, Doc("What cite() cites for it (its source).")]


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _month_before(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _period(as_of: date) -> str:
    """'in April 2025' for a figure of a calendar month, else 'in the period ending …'."""
    if (as_of + dt.timedelta(days=1)).day == 1:
        return f"in {wording.month_year(as_of)}"
    return f"in the period ending {uk_date(as_of)}"


def _statement(figure: Figure, who: str, amount: str, declared: Declared) -> str:
    """The figure as a clause that names what was measured (DOMAIN §3, SPEC §6)."""
    period = _period(figure.as_of)
    measure = declared.measure(figure.measure) if figure.source.official else None
    if measure is None:
        # An official source's definitions (whom it counts, and when) are not assumed for a
        # Board paper or an FOI reply: name the measure, not its denominator.
        words = declared.words(figure.measure)
        return words.recorded.format(amount=amount, who=who, period=period.removeprefix("in "))
    lag = measure.lag_months
    if lag and (figure.as_of + dt.timedelta(days=1)).day == 1:
        when = f"in {wording.month_year(_month_before(figure.as_of, lag))}"
    elif lag:
        months = _NUMBER_WORDS[lag] if lag < len(_NUMBER_WORDS) else str(lag)
        when = f"{months} months before the period ending {uk_date(figure.as_of)}"
    else:
        when = period
    share, everyone = amount, ""
    if measure.everyone and amount.endswith(" of"):
        everyone = "all "
    elif measure.everyone:
        share = amount.replace(" of ", " of the ", 1)
    return f"{share} {everyone}{who} {measure.counted_long} {when} {measure.outcome}"


def figure_view(figure: Figure, declared: Declared = NOTHING_DECLARED) -> FigureView:
    """The view of a registry `Figure`; `declared` says what official figures count."""
    who = group_who(figure.cohort, declared)
    publisher = declared.publisher(figure.source.kind) or NO_PUBLISHER
    caveats: list[str] = []
    small = figure.small_numbers or (
        figure.denominator is not None and figure.numerator is not None and figure.denominator < 30
    )
    if figure.provisional:
        caveats.append("provisional")
    if figure.percent is None:
        pct = "no percentage"
        # A receiving figure published for April counts women who reached 29 weeks in
        # December: name the month it was published for, not a month of the women's care.
        period = _period(figure.as_of).removeprefix("in ")
        statement = (
            f"the Trust's data on {declared.words(figure.measure).data} for {who} "
            f"failed {publisher.quality_checks}, so no percentage was published "
            f"for {period}"
        )
    else:
        pct = wording.percent(figure.percent, fixed=True)  # as published: one decimal place
        if figure.quality == "fail":
            caveats.append(
                f"the Trust's data failed {publisher.quality_checks}, so it may not "
                "show the care women received"
            )
        if small:
            # A count of 5 stands for anything from 1 to 7, and under 30 women a rate says
            # little: give the counts, not a rate.
            amount = f"{figure.numerator} of {figure.denominator}"
            caveats.append(
                f"{publisher.suppression or 'counts this small are not exact'}, so these "
                "small numbers do not give a precise rate"
            )
        else:
            amount = f"{pct} of"
        statement = _statement(figure, who, amount, declared)
    summary = f"{statement} ({'; '.join(caveats)})" if caveats else statement
    src = source_view(figure.source)
    return FigureView(
        cohort=figure.cohort,
        who=who,
        measure=figure.measure,
        percent=figure.percent,
        percent_text=pct,
        numerator=figure.numerator,
        denominator=figure.denominator,
        as_of=figure.as_of,
        as_of_long=uk_date(figure.as_of),
        provisional=figure.provisional,
        quality=figure.quality,
        small_numbers=small,
        caveats=tuple(caveats),
        statement=statement,
        summary=summary,
        source=src,
        citation=src,
    )


class FigureViews:
    """The views of one letter's figures: made once each, however often the letter reads them.
    `declared` says what the official sources' figures count."""

    __slots__ = ("_made", "declared")

    def __init__(self, declared: Declared = NOTHING_DECLARED) -> None:
        self._made: dict[int, tuple[Figure, FigureView]] = {}
        self.declared = declared

    def __call__(self, figure: Figure) -> FigureView:
        # The figure is kept beside its view, so that its id cannot be reused meanwhile.
        made = self._made.get(id(figure))
        if made is None:
            made = self._made[id(figure)] = (figure, figure_view(figure, self.declared))
        return made[1]
