"""The kinds of body cocwatch assesses and writes to, as declared data (STYLE: a body is a body).

A Trust and an ICB's Local Maternity and Neonatal System (LMNS) are assessed through the same
path (`cocwatch.core.assessment`), compared with the same declared measures and methods
(`cocwatch.core.comparison`), shown by the same renderers and written to by the same letters.
What differs is declared here, one `BodyKind` each: how a body is named on the command line
(a Trust by its id, an LMNS as ``icb:CODE``, the spelling SPEC §6.1 fixes), which rows of the
official statistics are its own (the ``provider`` rows of its ODS code, or the ``lms`` rows of
its ICB's code), the words for it, whether the publisher checks its own data's quality, and
which transparency duties apply to it.

Pure: the standard library and `cocwatch.core.kinds` only.
"""

from __future__ import annotations

from dataclasses import dataclass

from cocwatch.core.kinds import FindingCode

ICB_PREFIX = "icb:"  # `check icb:QOP`: the LMNS of the ICB with ODS code QOP


@dataclass(frozen=True, slots=True)
class BodyKind:
    """One kind of body: which rows are its own, the words for it, the duties that apply."""

    name: str  # "trust", "lmns"
    prefix: str  # how its id starts on the command line and in JSON: "" or "icb:"
    level: str  # the statistics' level of its own rows: "provider", "lms"
    noun: str  # "Trust", "LMNS"
    plural: str  # "Trusts", "LMNSs"
    long: str  # "NHS Trust", "Local Maternity and Neonatal System"
    # Its own rows carry the publisher's data-quality result (a Trust's do; an LMNS's rows
    # are built by the publisher from the Trusts whose data passed, and carry none).
    own_quality: bool
    findings: frozenset[FindingCode]  # the transparency duties that apply to it
    ask_plan: str  # the command that drafts a request for its plan: {id} is its id
    record_review: str = ""  # the command that records a Board review, if there is one

    @property
    def the(self) -> str:
        """'the Trust', 'the LMNS'."""
        return f"the {self.noun}"

    def ranked_among(self, checks: str) -> str:
        """Who it is ranked among: 'Trusts whose data passed NHS England's checks', 'LMNSs'."""
        if self.own_quality:
            return f"{self.plural} whose data passed {checks}"
        return self.plural


TRUST = BodyKind(
    name="trust",
    prefix="",
    level="provider",
    noun="Trust",
    plural="Trusts",
    long="NHS Trust",
    own_quality=True,
    findings=frozenset(FindingCode),
    ask_plan="cocwatch letter foi {id}",
    record_review="cocwatch record review {id}",
)
LMNS = BodyKind(
    name="lmns",
    prefix=ICB_PREFIX,
    level="lms",
    noun="LMNS",
    plural="LMNSs",
    long="Local Maternity and Neonatal System",
    own_quality=False,
    findings=frozenset(
        {
            FindingCode.NO_PLAN,
            FindingCode.PLAN_UNKNOWN,
            FindingCode.PLAN_PAUSED,
            FindingCode.PLAN_UNPUBLISHED,
            FindingCode.NOT_COPRODUCED,
            FindingCode.STALE_DATA,
            FindingCode.TARGETED_DATA_MISSING,
            FindingCode.TARGETED_GAP,
        }
    ),
    ask_plan="cocwatch letter lmns {code}",
)
# Longest prefix first, so a kind with a prefix is found before the Trust's empty one.
KINDS: tuple[BodyKind, ...] = (LMNS, TRUST)
KIND_BY_LEVEL = {kind.level: kind for kind in KINDS}


def kind_of(body_id: str) -> BodyKind:
    """The kind of body an id names: ``icb:QOP`` an LMNS, anything else a Trust."""
    lowered = body_id.lower()
    return next(k for k in KINDS if lowered.startswith(k.prefix))


def icb_body_id(code: str) -> str:
    """The id of an ICB's LMNS as a body: ``icb:QOP``."""
    return f"{ICB_PREFIX}{code.upper()}"


def icb_code(body_id: str) -> str | None:
    """The ICB code in ``icb:QOP`` (any case), or None for any other id."""
    if body_id.lower().startswith(ICB_PREFIX):
        return body_id[len(ICB_PREFIX) :].strip().upper() or None
    return None
