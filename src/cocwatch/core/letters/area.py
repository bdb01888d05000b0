"""An ICB's area as a letter reads it: its LMNS's own figures and its Trusts' (the `lmns` and `mp`
letters), and, for a letter to an MP, the constituency that the writer's postcode found.

A letter goes to the ICB that exists on its date; the LMNS figures it quotes are those NHS
England published under the ICB codes of their month (for an ICB made in 2026, its
predecessors' LMNSs, each named, never summed). Each body is the same view a Trust's letter
has: a `TrustView` and an `AssessmentView`.

Pure; imports the letters' facts, assessed and citation views.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from cocwatch.core.assessment import TrustAssessment
from cocwatch.core.letters.assessed import AssessmentView
from cocwatch.core.letters.citations import SourceView, source_view
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.facts import TrustView
from cocwatch.core.letters.words import join_and
from cocwatch.core.models import Icb, Source


@dataclass(frozen=True, slots=True)
class BodyView:
    """One body (an LMNS, or a Trust) with what `check` says of it on the letter's date."""

    trust: Annotated[TrustView, Doc("The body: its name, figures, plan and contacts.")]
    assessment: Annotated[AssessmentView, Doc("Its assessment, as a Trust letter's.")]
    lmns: Annotated[bool, Doc("True for an LMNS (its figures are its ICB area's own).")]
    icb: Annotated[
        str | None,
        Doc("An LMNS's ICB of the figures' month: 'NHS Sussex Integrated Care Board (QNX)'."),
    ] = None


@dataclass(frozen=True, slots=True)
class AreaView:
    """The ICB a letter is about, its LMNS's official figures and its Trusts."""

    code: Annotated[str, Doc("The ICB's code on the letter's date: QOP, S9B9J.")]
    name: Annotated[
        str, Doc("Its name where a source gives it, else 'ICB CODE' (the 2026 ICBs' names).")
    ]
    named: Annotated[bool, Doc("Whether a source gives its name.")]
    region: Annotated[str | None, Doc("Its NHS England region, if recorded.")]
    lmns: Annotated[
        tuple[BodyView, ...],
        Doc(
            "Its LMNS's official figures: one body, or, for an ICB made after the latest "
            "figures, one per ICB it took over (each under the code of its month)."
        ),
    ]
    predecessors: Annotated[
        str | None,
        Doc(
            "When the figures are its predecessors': 'NHS Sussex Integrated Care Board (QNX) "
            "and …', else None."
        ),
    ]
    split: Annotated[
        bool, Doc("Whether some of those predecessors were split (their figures cover more).")
    ]
    trusts: Annotated[tuple[BodyView, ...], Doc("Its Trusts on the letter's date.")]
    trust_names: Annotated[str, Doc("Their names in a sentence: 'A, B and C'.")]


@dataclass(frozen=True, slots=True)
class ConstituencyView:
    """The constituency the writer's postcode found, and its MP (a letter to an MP)."""

    name: Annotated[str, Doc("The constituency's name.")]
    postcode: Annotated[str | None, Doc("The postcode that found it: the writer's.")]
    mp: Annotated[str | None, Doc("The MP's name, as UK Parliament writes it.")]
    party: Annotated[str | None, Doc("The MP's party, if known.")]
    sources: Annotated[
        tuple[SourceView, ...],
        Doc("postcodes.io's and Parliament's answers (Open Parliament Licence): cite them."),
    ]


def area_view(
    icb: Icb,
    lmns: Sequence[tuple[TrustView, AssessmentView]],
    trusts: Sequence[tuple[TrustView, AssessmentView]],
    *,
    predecessors: Sequence[Icb] = (),
    split: bool = False,
) -> AreaView:
    """The view of an ICB's area on the letter's date."""
    titles = {i.code: i.title for i in (icb, *predecessors)}
    return AreaView(
        code=icb.code,
        name=icb.name or f"ICB {icb.code}",
        named=icb.name is not None,
        region=icb.region,
        lmns=tuple(BodyView(t, a, lmns=True, icb=titles.get(t.ods)) for t, a in lmns),
        predecessors=join_and(i.title for i in predecessors) if predecessors else None,
        split=split,
        trusts=tuple(BodyView(t, a, lmns=False) for t, a in trusts),
        trust_names=join_and(t.name for t, _ in trusts),
    )


def constituency_view(
    name: str, postcode: str | None, mp: str | None, party: str | None, sources: Sequence[Source]
) -> ConstituencyView:
    """The view of the constituency a letter to an MP is from."""
    return ConstituencyView(
        name=name,
        postcode=postcode,
        mp=mp,
        party=party,
        sources=tuple(source_view(s) for s in sources),
    )


@dataclass(frozen=True, slots=True)
class AreaRequest:
    """What `letter lmns` and `letter mp` draft from: the ICB on the letter's date, its LMNS
    bodies (assessed as Trusts are) and its Trusts, and for an MP, who and where."""

    icb: Icb
    bodies: tuple[TrustAssessment, ...]
    trusts: tuple[TrustAssessment, ...]
    predecessors: tuple[Icb, ...] = ()
    split: bool = False
    day: date | None = None
