"""Online lookups for `mp`, `letter mp` and naming Trusts by postcode: postcodes.io and the UK
Parliament Members API, each at the base address the config (or its environment variable)
gives, answers kept in the cache folder, a failure said once per change when no one is at a
terminal, and a manual path (`--constituency`, `--mp-name`, `--icb`) for when they fail.

- Each answer is kept in ``<cache>/lookups/`` with the day it was fetched and used for a
  while without asking again (postcodes for `POSTCODE_DAYS`, MPs for `MEMBER_DAYS`); when the
  service cannot be reached, the last answer kept is used with a warning.
- The ICB covering a postcode is found as SPEC §2.1 says: postcodes.io's `icb` name matched,
  case aside, against the ICB names the registry holds; its GSS code is then remembered
  (``icb-codes.json``), so a later answer naming the ICB differently still finds it. An ICB
  that has since ended leads to the ICB that holds its area today.

Shared by several commands, so it is not a ``cmd_*`` module. May import the session, the
core's ICB rules and the sources' readers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cocwatch.errors import ExternalError, UsageError

if TYPE_CHECKING:
    from cocwatch.cli.selection import PostcodeTrusts
    from cocwatch.cli.session import Session
    from cocwatch.core.assessment import Assessment
    from cocwatch.core.models import Icb, Registry, Trust
    from cocwatch.core.representation import Representation
    from cocwatch.sources.parliament import Constituency, Office
    from cocwatch.sources.postcodes import PostcodePlace

CACHE_NAME = "lookups"
ERRORS_FILE = "errors.json"
ICB_CODES_FILE = "icb-codes.json"
POSTCODE_DAYS = 30  # a postcode's constituency and ICB change rarely
MEMBER_DAYS = 7  # an MP can change at a by-election
MAX_ANSWER_BYTES = 2 * 1024 * 1024
MANUAL = (
    "Without the lookup, give what it would have found: --constituency NAME and --mp-name NAME "
    "(from https://members.parliament.uk/, or WriteToThem), and --icb CODE (`cocwatch icbs` "
    "lists them)."
)


T = TypeVar("T")


class LookupFailed(ExternalError):
    """An online lookup could not be made, and no answer was kept from before (exit 4)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A lookup's answer: its body (None: the service knows no such thing), and when fetched."""

    url: str
    body: bytes | None
    fetched: date


@dataclass(frozen=True, slots=True)
class IcbFound:
    """The ICB covering a postcode (None when it cannot be told), and what to say about it."""

    icb: Icb | None
    said: str


def _folder() -> Path:
    from cocwatch import cache

    return cache.folder(CACHE_NAME)


class Lookups:
    """The online lookups of one command run (`offline`: answers kept before, only)."""

    def __init__(self, s: Session, *, timeout: float, offline: bool = False) -> None:
        self.s = s
        self.timeout = timeout
        self.offline = offline
        self.postcodes_url = s.web_address("postcodes_url")
        self.parliament_url = s.web_address("parliament_url")

    # ------------------------------------------------------------------ the services

    def place(self, postcode: str) -> PostcodePlace:
        """What postcodes.io says of a postcode; an unknown one is a usage error."""
        from cocwatch.sources.postcodes import WHAT, parse_postcode, postcode_url

        answer = self._get(WHAT, postcode_url(self.postcodes_url, postcode), POSTCODE_DAYS)
        if answer.body is None:
            raise UsageError(
                f"{WHAT} does not know the postcode {postcode}. Check it (a new or retired "
                f"postcode may be missing). {MANUAL}"
            )
        return self._read(WHAT, answer, parse_postcode)

    def constituency(self, name: str) -> Constituency:
        """The constituency called `name` and its MP, from the Members API."""
        from cocwatch.sources.parliament import WHAT, parse_constituency, search_url

        answer = self._get(WHAT, search_url(self.parliament_url, name), MEMBER_DAYS)
        found = None
        if answer.body is not None:
            found = self._read(WHAT, answer, lambda data: parse_constituency(data, name))
        if found is None:
            raise UsageError(
                f"{WHAT} lists no constituency called {name!r}. Check the name (as "
                "https://members.parliament.uk/ writes it), or give --mp-name NAME too."
            )
        return found

    def offices(self, member_id: int) -> tuple[Office, ...]:
        """An MP's offices from the Members API; none when they cannot be read (the letter
        then goes to the House of Commons, said with a warning)."""
        from cocwatch.sources.parliament import WHAT, contact_url, parse_offices

        try:
            answer = self._get(WHAT, contact_url(self.parliament_url, member_id), MEMBER_DAYS)
            return self._read(WHAT, answer, parse_offices) if answer.body else ()
        except LookupFailed as exc:
            self._warn(WHAT + " contact", f"{exc.message} The letter uses the House of Commons.")
            return ()

    # ------------------------------------------------------------------ the ICB of a postcode

    def icb_of(self, registry: Registry, place: PostcodePlace, on: date) -> IcbFound:
        """The ICB that covers a postcode on `on`, matched by name (SPEC §2.1)."""
        from cocwatch.core.icbs import current, icb_named

        remembered = _read_json(_folder() / ICB_CODES_FILE)
        icb = icb_named(registry, place.icb) if place.icb else None
        if icb is not None and place.icb_code and remembered.get(place.icb_code) != icb.code:
            remembered[place.icb_code] = icb.code
            _write_json(_folder() / ICB_CODES_FILE, remembered)
        if icb is None and place.icb_code and place.icb_code in remembered:
            icb = registry.icb(remembered[place.icb_code])
        if icb is None:
            named = f"names its ICB {place.icb!r}" if place.icb else "names no ICB for it"
            return IcbFound(
                None,
                f"postcodes.io {named}, which matches no ICB name in the registry (the 2026 "
                "ICBs are named only by their codes until a source gives their names). Give "
                "--icb CODE: `cocwatch icbs` lists the codes.",
            )
        held = current(registry, icb, on)
        if len(held) == 1 and held[0] is not icb:
            now = held[0]
            return IcbFound(
                now,
                f"postcodes.io places {place.postcode} in {icb.title}, whose area "
                f"is in {now.title} on {on}.",
            )
        if len(held) > 1:
            listed = " or ".join(i.title for i in held)
            return IcbFound(
                None,
                f"postcodes.io places {place.postcode} in {icb.title}, whose area "
                f"was split between {listed}: give --icb CODE for the one that covers it.",
            )
        return IcbFound(icb, f"postcodes.io places {place.postcode} in {icb.title}.")

    # ------------------------------------------------------------------ fetching and keeping

    def _get(self, what: str, url: str, fresh_days: int) -> Answer:
        from cocwatch.sources.http import DownloadError, describe_http_error, download

        kept = _kept(url)
        today = self._today()
        if kept is not None and (today - kept.fetched).days <= fresh_days:
            return kept
        if self.offline:
            if kept is not None:
                return kept
            raise LookupFailed(
                f"--offline: no answer from {what} is kept for {url}, so it cannot be read "
                f"without the network. {MANUAL}"
            )
        import httpx

        problem: str | None = None
        try:
            got = download(url, timeout=self.timeout, max_bytes=MAX_ANSWER_BYTES)
        except DownloadError as exc:
            problem = exc.reason
        except httpx.HTTPError as exc:
            problem = describe_http_error(url, exc)
        else:
            if got.status_code == 404:
                answer = Answer(url, None, today)
                _keep(url, answer)
                return answer
            if 200 <= got.status_code < 300:
                answer = Answer(url, got.body, today)
                _keep(url, answer)
                self._clear(what)
                return answer
            problem = f"{url} answered {got.status_code} {got.reason_phrase}".rstrip()
        if kept is not None:
            self._warn(
                what,
                f"{problem}; using the answer kept from {kept.fetched.isoformat()} instead.",
            )
            return kept
        raise LookupFailed(f"Could not read {what}: {problem}. {MANUAL}")

    def _read(self, what: str, answer: Answer, read: Callable[[bytes], T]) -> T:
        """An answer read by `read`; an answer it cannot read is a failed lookup."""
        assert answer.body is not None
        try:
            return read(answer.body)
        except ValueError as exc:
            with contextlib.suppress(OSError):
                _path(answer.url).unlink()  # never kept: the next run asks again
            raise LookupFailed(
                f"{what} answered with something cocwatch cannot read ({exc}): the service may "
                f"have changed, or the address in the config may not be {what}'s. {MANUAL}"
            ) from None

    def _today(self) -> date:
        from cocwatch.cli.dates import today

        return today()

    def _warn(self, what: str, message: str) -> None:
        """Warn about a failed lookup: always at a terminal; without one (cron), once for
        each change of the message."""
        errors = _read_json(_folder() / ERRORS_FILE)
        if sys.stderr.isatty() or errors.get(what) != message:
            self.s.warn(message)
        if errors.get(what) != message:
            errors[what] = message
            _write_json(_folder() / ERRORS_FILE, errors)

    def _clear(self, what: str) -> None:
        errors = _read_json(_folder() / ERRORS_FILE)
        if what in errors:
            del errors[what]
            _write_json(_folder() / ERRORS_FILE, errors)


def _path(url: str) -> Path:
    return _folder() / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")


def _kept(url: str) -> Answer | None:
    data = _read_json(_path(url))
    if data.get("url") != url:
        return None
    try:
        fetched = datetime.strptime(str(data.get("fetched")), "%Y-%m-%d").date()
    except ValueError:
        return None
    body = data.get("body")
    return Answer(url, body.encode() if isinstance(body, str) else None, fetched)


def _keep(url: str, answer: Answer) -> None:
    body = answer.body.decode("utf-8", errors="replace") if answer.body is not None else None
    _write_json(_path(url), {"url": url, "fetched": answer.fetched.isoformat(), "body": body})


def _read_json(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: object) -> None:
    from cocwatch.errors import CocwatchError
    from cocwatch.files import atomic_write

    with contextlib.suppress(OSError, CocwatchError):
        atomic_write(path, json.dumps(data, indent=1, sort_keys=True).encode(), what="cache")


def postcode_trusts(s: Session, on: date, *, timeout: float) -> PostcodeTrusts:
    """For naming Trusts by postcode: the Trusts of the ICB that covers it, and a sentence
    saying so (no official lookup from a postcode to the Trusts that serve it exists)."""
    from cocwatch.core.icbs import trusts_in

    def find(code: str) -> tuple[str, list[Trust]]:
        lookups = Lookups(s, timeout=timeout)
        found = lookups.icb_of(s.curated, lookups.place(code), on)
        if found.icb is None:
            raise UsageError(f"{found.said} Then name the Trust by its id.")
        return found.said, trusts_in(s.curated, found.icb.code, on)

    return find


_HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame", "Lord", "Lady", "Rev")


def representation(
    s: Session,
    *,
    postcode: str | None,
    constituency: str | None,
    mp_name: str | None,
    icb: str | None,
    on: date,
    timeout: float,
    offline: bool = False,
) -> Representation:
    """A postcode's constituency, MP and ICB, from postcodes.io and the Members API; each
    option given (--constituency, --mp-name, --icb) is used instead of its lookup, so with
    all three nothing is fetched."""
    from cocwatch.cli.selection import icb_today
    from cocwatch.core.models import Source
    from cocwatch.core.representation import Representation
    from cocwatch.sources import parliament, postcodes

    lookups = Lookups(s, timeout=timeout, offline=offline)
    sources: list[Source] = []
    place = None
    if postcode is not None and (constituency is None or icb is None):
        place = lookups.place(postcode)
        sources.append(
            Source.model_construct(
                url=postcodes.postcode_url(lookups.postcodes_url, place.postcode),
                title=f"postcodes.io, postcode {place.postcode} (ONS Postcode Directory)",
                kind="other",
                retrieved=None,
            )
        )
    name = constituency or (place.constituency if place else None)
    if name is None:
        raise UsageError(
            "postcodes.io gives no Westminster constituency for this postcode (it may be "
            "outside the UK's constituencies). Give --constituency NAME and --mp-name NAME."
        )
    member = None
    if mp_name is None:
        member = lookups.constituency(name).member
        if member is None:
            raise UsageError(
                f"The Members API lists no MP for {name} just now (the seat may be vacant). "
                "Give --mp-name NAME if you know who to write to."
            )
        sources.append(
            Source.model_construct(
                url=parliament.search_url(lookups.parliament_url, name),
                title=f"UK Parliament Members API, constituency {name}. {parliament.LICENCE}",
                kind="other",
                retrieved=None,
            )
        )
    address: tuple[str, ...] = parliament.HOUSE_OF_COMMONS
    email: str | None = None
    if member is not None:
        office = parliament.westminster_office(lookups.offices(member.id))
        if office is not None:
            address, email = office.lines or address, office.email
    honorific = None
    if member is not None and member.address_as:
        first = member.address_as.split()[0].rstrip(".")
        honorific = first if first in _HONORIFICS else None
    icb_code: str | None
    if icb is not None:
        chosen = icb_today(s.curated, icb, on)
        icb_code, said = chosen.code, f"The ICB was given: {chosen.title}."
    elif place is not None:
        found = lookups.icb_of(s.curated, place, on)
        icb_code, said = (found.icb.code if found.icb else None), found.said
    else:
        icb_code, said = None, "No ICB was given (--icb CODE)."
    return Representation(
        postcode=place.postcode if place else postcode,
        constituency=name,
        mp=member.name if member else mp_name,
        party=member.party if member else None,
        address=tuple(address),
        email=email,
        icb_code=icb_code,
        icb_said=said,
        sources=tuple(sources),
        honorific=honorific,
    )


def postcode_option(value: str | None) -> str | None:
    """A postcode as typed, written the usual way; anything else is a usage error."""
    from cocwatch.core.trust_names import postcode

    if value is None:
        return None
    code = postcode(value)
    if code is None:
        raise UsageError(
            f'{value!r} is not a UK postcode: write it as on a letter, e.g. "SW1A 1AA".'
        )
    return code


def area_assessment(s: Session, icb: Icb | None, as_of: date) -> Assessment:
    """The assessment of the Trusts of `icb` on `as_of` (none without an ICB)."""
    from cocwatch.core.assessment import assess
    from cocwatch.core.icbs import trusts_in

    members = trusts_in(s.curated, icb.code, as_of) if icb is not None else []
    registry = s.registry_for({t.id for t in members})
    chosen = [t for t in registry.trusts if t.id in {m.id for m in members}]
    return assess(
        registry,
        chosen,
        as_of=as_of,
        thresholds=s.config.thresholds,
        letters=s.open_letters(as_of),
        official=s.comparisons(chosen, as_of),
    )


def by_postcode(s: Session) -> PostcodeTrusts:
    """`postcode_trusts` on today's date with the usual timeout: for the commands that take a
    Trust, so that a postcode names the Trusts of the ICB that covers it."""
    from cocwatch.cli.dates import today
    from cocwatch.sources.http import TIMEOUT_SECONDS

    return postcode_trusts(s, today(), timeout=TIMEOUT_SECONDS)
