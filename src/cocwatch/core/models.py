"""Typed models of the registry format (SPEC §3) and of the user's settings.

Pure: pydantic, the standard library and the core's closed sets only. The field types the
models are made of, and their base `Model`, are ``cocwatch.core.model_types``. Validators
check one value or one object; checks across the whole registry (unique ids, successors) live in
``cocwatch.core.invariants``. Models are frozen and reject unknown keys, so a typo in the
YAML is reported instead of silently ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

# The closed sets are defined without pydantic, so the command line can offer them cheaply.
from cocwatch.core.kinds import COHORTS as COHORTS
from cocwatch.core.kinds import CONTACT_ROLES as CONTACT_ROLES
from cocwatch.core.kinds import RECORDED_KINDS
from cocwatch.core.kinds import Cohort as Cohort
from cocwatch.core.kinds import ContactRole as ContactRole
from cocwatch.core.kinds import Coproduced as Coproduced
from cocwatch.core.kinds import PlanStatus as PlanStatus
from cocwatch.core.kinds import Precision as Precision
from cocwatch.core.kinds import Quality as Quality
from cocwatch.core.kinds import Rating as Rating
from cocwatch.core.kinds import SourceKind as SourceKind
from cocwatch.core.kinds import TargetKind as TargetKind
from cocwatch.core.measures import DEFAULT_MEASURE
from cocwatch.core.measures import MEASURE_PREFERENCE as MEASURE_PREFERENCE
from cocwatch.core.measures import Measure as Measure
from cocwatch.core.model_types import (
    Count,
    Line,
    Name,
    Percent,
    PeriodDate,
    Prose,
    as_one_word,
    as_text,
    lowercased,
    period_end,
    yes_no_as_word,
)
from cocwatch.core.model_types import Model as Model
from cocwatch.core.model_types import Slug as Slug
from cocwatch.core.model_types import Text as Text
from cocwatch.core.model_types import Url as Url
from cocwatch.core.plausible import disagreement, rate_agrees

# MSDS publishes every count from 1 to 7 as 5 and rounds larger ones to the nearest 5
# (NHS England's disclosure control), so a published 5 is a small number whose rate says
# little.
SMALL_COUNT = 5


class Source(Model):
    """Where a figure or target comes from: a web address, a document title, or both."""

    url: Url | None = None
    title: Line | None = None
    kind: Annotated[SourceKind, BeforeValidator(lowercased)] = "other"
    retrieved: date | None = None

    @model_validator(mode="after")
    def _needs_url_or_title(self) -> Source:
        if not self.url and not self.title:
            raise ValueError("a source needs a url or a title (or both)")
        return self

    @property
    def official(self) -> bool:
        """Whether it is an official statistics release (kept in the statistics folder)."""
        return self.kind not in RECORDED_KINDS

    def label(self) -> str:
        """Return a one-line citation: title and address."""
        parts = [p for p in (self.title, self.url) if p]
        return ", ".join(parts)


class Figure(Model):
    """One published figure for one cohort, at the end of the period it describes.

    A figure whose data failed NHS England's quality checks may have no percentage at all
    (`quality: fail`, as MSDS publishes "Low DQ"): it records the failure, not a rate.
    """

    cohort: Cohort = "all"
    measure: Measure = DEFAULT_MEASURE
    percent: Percent | None = None
    numerator: Count | None = None
    denominator: Annotated[Count, Field(gt=0)] | None = None
    as_of: date
    provisional: bool = False
    quality: Annotated[Quality, BeforeValidator(lowercased)] = "unknown"
    source: Source
    notes: Prose | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive_percent(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("percent") is not None:
            return data
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if numerator is None and denominator is None:
            if lowercased(data.get("quality")) == "fail":
                return data  # failed data quality: recorded without a percentage
            raise ValueError(
                "a figure needs a percent, or a numerator and a denominator (or, for data "
                "that failed NHS England's quality checks, quality: fail)"
            )
        if numerator is None or denominator is None:
            raise ValueError("give both numerator and denominator (or a percent)")
        try:
            num, den = float(numerator), float(denominator)
        except (TypeError, ValueError):
            return data  # the field validators report the wrong type
        if den > 0 and 0 <= num <= den:
            return {**data, "percent": round(100 * num / den, 1)}
        return data

    @model_validator(mode="after")
    def _numerator_within_denominator(self) -> Figure:
        if (
            self.numerator is not None
            and self.denominator is not None
            and self.numerator > self.denominator
        ):
            raise ValueError(
                f"numerator ({self.numerator}) is larger than denominator ({self.denominator})"
            )
        if self.percent is None and self.quality != "fail":
            raise ValueError("a figure needs a percent, or a numerator and a denominator")
        if (
            self.percent is not None
            and self.numerator is not None
            and self.denominator is not None
            and not rate_agrees(self.percent, self.numerator, self.denominator)
        ):
            raise ValueError(disagreement(self.percent, self.numerator, self.denominator))
        return self

    @property
    def measured(self) -> bool:
        """Whether the figure has a percentage (data that failed quality may have none)."""
        return self.percent is not None

    @property
    def value(self) -> float:
        """The percentage; only for a `measured` figure (the assessment never picks another)."""
        if self.percent is None:
            raise ValueError("this figure has no percentage: its data failed quality checks")
        return self.percent

    @property
    def small_numbers(self) -> bool:
        """Whether an MSDS count of 5 (which stands for 1 to 7) underlies the percentage."""
        return self.source.official and SMALL_COUNT in (self.numerator, self.denominator)


class Milestone(Model):
    """A step in a Trust's own plan: this percent of a cohort by this date, on this measure."""

    cohort: Cohort = "all"
    percent: Percent
    due: date
    measure: Annotated[Measure, BeforeValidator(lowercased)] = DEFAULT_MEASURE


class BoardReview(Model):
    """A Trust Board meeting that reviewed Continuity of Carer progress."""

    date: date
    url: Url | None = None
    note: Prose | None = None


class Plan(Model):
    """A Trust's Continuity of Carer plan, as far as it is known."""

    status: Annotated[PlanStatus, BeforeValidator(lowercased)]
    published: date | None = None
    url: Url | None = None
    coproduced: Annotated[Coproduced, BeforeValidator(yes_no_as_word)] = "unknown"
    milestones: tuple[Milestone, ...] = ()
    board_reviews: tuple[BoardReview, ...] = ()
    source: Source | None = None  # where the status is known from, e.g. an FOI reply
    notes: Prose | None = None


class Inspection(Model):
    """An inspection of the Trust's maternity service (usually by the CQC)."""

    date: date
    body: Line = "CQC"
    service: Line = "maternity"
    rating: Annotated[Rating, BeforeValidator(as_one_word)] | None = None
    url: Url | None = None
    notes: Prose | None = None


class Contact(Model):
    """Someone a letter can be addressed to. Only `role` is required.

    `source_url` is where the details were found, and `checked` the day someone last saw
    them there: a contact not checked for a year is flagged before a letter uses it.
    """

    role: Annotated[ContactRole, BeforeValidator(lowercased)]
    name: Line | None = None
    # How the person is addressed (Ms, Mr, Dr, Professor): "Dear Ms Example".
    honorific: Line | None = None
    title: Line | None = None
    organisation: Line | None = None
    email: Line | None = None
    address: Prose | None = None
    phone: Annotated[Line, BeforeValidator(as_text)] | None = None
    url: Url | None = None
    source_url: Url | None = None
    checked: date | None = None
    notes: Prose | None = None


# An ODS code of an ICB: QOP before 2026; the ICBs made in 2026 have codes such as S9B9J.
IcbCode = Annotated[
    str, BeforeValidator(as_text), AfterValidator(str.upper), Field(pattern=r"^[A-Za-z0-9]{3,5}$")
]


class IcbPeriod(Model):
    """A time a Trust was in another ICB than its `icb:` today: the code, and until when.

    `from` may be left out (since the ICBs began, or not known); a date that no source gives
    is marked `unverified`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    icb: IcbCode
    from_: date | None = Field(default=None, alias="from")
    to: date
    source: Source | None = None
    unverified: bool = False
    notes: Prose | None = None

    def covers(self, day: date) -> bool:
        """Whether the Trust was in this ICB on `day`."""
        return (self.from_ is None or self.from_ <= day) and day <= self.to


class TakenOver(Model):
    """An earlier ICB whose area a new ICB took over, whole or in part (some were split)."""

    icb: IcbCode
    part: bool = False  # only part of its area (the rest went to another ICB)


class Icb(Model):
    """An Integrated Care Board, and its Local Maternity and Neonatal System (LMNS).

    An ICB plans and commissions maternity care; its LMNS leads the area's continuity of
    carer and equity plans. NHS England publishes each LMNS's figures under the ICB's code.
    Only `code` is required; `name` is recorded where a source gives it. An ICB made by a
    merger names what it `took_over`; one that ended has a `to` date.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    code: IcbCode
    name: Name | None = None
    region: Name | None = None
    lmns: Line | None = None  # the LMNS's own name, where it has one
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    took_over: tuple[TakenOver, ...] = ()
    website: Url | None = None
    address: Prose | None = None
    contacts: tuple[Contact, ...] = ()
    plan: Plan | None = None  # the LMNS's continuity of carer and equity plan
    source: Source | None = None
    unverified: bool = False  # a date here is not confirmed by its source
    notes: Prose | None = None

    @property
    def label(self) -> str:
        """Its name, else its code: 'NHS Greater Manchester Integrated Care Board', 'S9B9J'."""
        return self.name or f"ICB {self.code}"

    @property
    def title(self) -> str:
        """Its name and code: 'NHS Sussex Integrated Care Board (QNX)', or 'ICB S9B9J'."""
        return f"{self.name} ({self.code})" if self.name else f"ICB {self.code}"

    def exists_on(self, day: date) -> bool:
        """Whether the ICB existed on `day` (as far as its dates say)."""
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)

    def contact(self, role: str) -> Contact | None:
        """Return the first contact with this role, if any."""
        return next((c for c in self.contacts if c.role == role), None)


class Trust(Model):
    """An NHS Trust (or other provider) of maternity services."""

    id: Slug
    ods: Annotated[str, BeforeValidator(as_text), Field(pattern=r"^\S+$")]
    name: Name
    region: Name
    icb: Annotated[Line, BeforeValidator(as_text)] | None = None  # its ICB today (ODS code)
    icb_history: tuple[IcbPeriod, ...] = ()  # the ICBs it was in before, with their dates
    lmns: Line | None = None
    website: Url | None = None
    board_papers_url: Url | None = None
    # The Trust's name on WhatDoTheyKnow (the end of https://www.whatdotheyknow.com/body/NAME),
    # recorded only where the site's own page or data confirms it: never guessed.
    whatdotheyknow: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")] | None = None
    address: Prose | None = None
    closed_on: date | None = None
    successor: Line | None = None
    contacts: tuple[Contact, ...] = ()
    plan: Plan | None = None
    figures: tuple[Figure, ...] = ()
    inspections: tuple[Inspection, ...] = ()
    notes: Prose | None = None

    def is_open(self, on: date) -> bool:
        """Return whether the Trust is still open on the given date."""
        return self.closed_on is None or self.closed_on > on

    def contact(self, role: str) -> Contact | None:
        """Return the first contact with this role, if any."""
        return next((c for c in self.contacts if c.role == role), None)

    def icb_on(self, day: date) -> str | None:
        """The code of its ICB on `day`: an earlier one from `icb_history`, else `icb`."""
        earlier = next((p for p in self.icb_history if p.covers(day)), None)
        if earlier is not None:
            return earlier.icb
        return self.icb.upper() if self.icb else None


class Target(Model):
    """A national Continuity of Carer target (SPEC §3).

    `due` and `set_on` may be given as YYYY or YYYY-MM when the source says no more ("by
    2024"): they hold the period's last day (what assessment uses), and `due_precision` and
    `set_on_precision` remember how precisely to print them. A target ends in one of two ways:
    `withdrawn_on` (removed while still in force) or `superseded_by` (replaced by a later
    target, named by its id), never both.
    """

    id: Slug
    title: Name
    cohort: Cohort = "all"
    percent: Percent | None = None
    measure: Annotated[Measure, BeforeValidator(lowercased)] = DEFAULT_MEASURE
    due: PeriodDate
    set_on: PeriodDate | None = None
    withdrawn_on: date | None = None
    superseded_by: Slug | None = None
    # What it was, as its source frames it: a national target (the default), a national
    # ambition, a commitment, or a condition of an incentive scheme.
    kind: TargetKind = "target"
    # Some of its facts (e.g. its dates) are not confirmed by a primary source: it is listed
    # and shown, but never a benchmark unless chosen with `check --target`.
    unverified: bool = False
    source: Source | None = None
    notes: Prose | None = None
    # Worked out from how `due` and `set_on` are written; kept so that a dumped model reloads.
    due_precision: SkipJsonSchema[Precision] = "day"
    set_on_precision: SkipJsonSchema[Precision] = "day"

    @model_validator(mode="before")
    @classmethod
    def _read_periods(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("due", "set_on"):
            if data.get(key) is not None:
                value, precision = period_end(data[key])
                data[key] = value
                if precision != "day":
                    data[f"{key}_precision"] = precision
        return data

    @model_validator(mode="after")
    def _one_ending(self) -> Target:
        if self.withdrawn_on is not None and self.superseded_by is not None:
            raise ValueError(
                "a target is either withdrawn (withdrawn_on) or superseded by a later one "
                "(superseded_by), not both: keep the one its source supports"
            )
        if self.superseded_by == self.id:
            raise ValueError("a target cannot be superseded by itself")
        return self

    def in_force(self, on: date) -> bool:
        """Return whether the target was set on or before `on` and not yet withdrawn.

        Supersession depends on the successor's date: ``cocwatch.core.targets.in_force``
        takes it into account.
        """
        return self.was_set(on) and (self.withdrawn_on is None or self.withdrawn_on > on)

    def was_set(self, on: date) -> bool:
        """Return whether the target had been announced by `on` (always, without set_on)."""
        return self.set_on is None or self.set_on <= on


class National(Model):
    """The national picture: targets, national figures and ministers to write to."""

    targets: tuple[Target, ...] = ()
    figures: tuple[Figure, ...] = ()
    contacts: tuple[Contact, ...] = ()

    def target(self, target_id: str) -> Target | None:
        """Return the target with this id, if any."""
        return next((t for t in self.targets if t.id == target_id), None)


class Registry(Model):
    """The whole registry file."""

    version: Literal[1] = 1
    national: National = National()
    icbs: tuple[Icb, ...] = ()
    trusts: tuple[Trust, ...] = ()

    def icb(self, code: str) -> Icb | None:
        """The ICB with this ODS code (any case), if the registry lists it."""
        wanted = code.strip().upper()
        return next((i for i in self.icbs if i.code == wanted), None)


class Thresholds(Model):
    """Tunable limits of the assessment (SPEC §4 defaults)."""

    tolerance_points: Annotated[float, Field(ge=0)] = 2.0
    board_review_days: Annotated[int, Field(gt=0)] = 35
    stale_after_days: Annotated[int, Field(gt=0)] = 120


class Sender(Model):
    """Who signs the letters."""

    name: Line | None = None
    organisation: Line | None = None
    address: Prose | None = None
    email: Line | None = None
    phone: Annotated[Line, BeforeValidator(as_text)] | None = None


def _web_address_keys() -> type[Model]:
    """A model with one optional key per online service's base address (`WEB_ADDRESSES`),
    and the earlier name of any, so that each is declared once, in `cocwatch.core.web`."""
    from pydantic import create_model

    from cocwatch.core.web import WEB_ADDRESSES

    keys = [w.key for w in WEB_ADDRESSES] + [w.old_key for w in WEB_ADDRESSES if w.old_key]
    fields: dict[str, Any] = dict.fromkeys(keys, (str | None, None))
    return create_model("WebAddresses", __base__=Model, **fields)


# mypy cannot see a base made from a table; the keys are read through `WEB_ADDRESSES`.
class Config(_web_address_keys()):  # type: ignore[misc]
    """The user's config file (every key optional)."""

    registry: str | None = None
    templates_dir: str | None = None
    correspondence: str | None = None
    statistics: str | None = None  # the statistics folder; default: statistics/ beside the registry
    reply_working_days: Annotated[int, Field(gt=0, le=250)] = 20
    sender: Sender = Sender()
    thresholds: Thresholds = Thresholds()
