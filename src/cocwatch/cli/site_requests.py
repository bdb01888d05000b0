"""`letter foi TRUST --whatdotheyknow`: the link that opens each letter as a new, public FOI
request on WhatDoTheyKnow, with its title, text and tags filled in (nothing is sent).

May import `.output`, `.session` and `errors`; the site's wording and links
(`cocwatch.sources.whatdotheyknow`) inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cocwatch.cli.output import emit
from cocwatch.errors import UsageError

if TYPE_CHECKING:
    from cocwatch.cli.session import Session
    from cocwatch.templating.drafting import LetterBatch
    from cocwatch.templating.templates import TemplateSpec


def check_site_request(spec: TemplateSpec, out: str | None, fmt: str | None) -> None:
    """--whatdotheyknow starts a new FOI request: the foi letter (or one like it), no file."""
    if spec.scope != "trust" or spec.recipient != "foi" or spec.follows:
        raise UsageError(
            f"--whatdotheyknow starts a new FOI request to a Trust; the '{spec.name}' letter is "
            "not one. Use it with `letter foi TRUST` (a follow-up is sent on the request's own "
            "page on the site)."
        )
    if out is not None or fmt is not None:
        raise UsageError(
            "--whatdotheyknow prints a link, not a file: leave out --out and --format (the "
            "letter's text is inside the link)."
        )


def print_site_links(s: Session, batch: LetterBatch, body: str | None) -> None:
    """Print, for each letter, the link that opens the request on the site."""
    from cocwatch.sources.whatdotheyknow import CAMPAIGN_TAG
    from cocwatch.sources.whatdotheyknow_links import (
        letter_for_site,
        machine_tag,
        new_request_link,
        title_for_site,
    )

    trusts = {t.id: t for t in s.registry.trusts}
    if body is not None and len(batch.letters) > 1:
        raise UsageError("--body names one Trust on WhatDoTheyKnow: draft one letter at a time.")
    home = s.web_address("whatdotheyknow_url")
    for rendered in batch.letters:
        assert rendered.context.trust is not None
        trust = trusts[rendered.context.trust.id]
        name = (body or trust.whatdotheyknow or "").strip().lower()
        if not name:
            raise UsageError(
                f"WhatDoTheyKnow's name for {trust.name} is not recorded. Find the Trust on "
                f"{home}/select_authority (search for its name); its page's address ends "
                f"/body/NAME. Give that with --body NAME, and record it in the registry as "
                f"`whatdotheyknow: NAME` under the Trust {trust.id}, so it is there next time."
            )
        text = letter_for_site(batch.data(rendered).decode("utf-8"))
        if left := [p.text for p in batch.placeholders if p.text in text]:
            s.warn(
                f"The letter to {trust.name} still has placeholders: {'; '.join(left)}. Fill "
                "them in on the site before sending."
            )
        try:
            link = new_request_link(
                name,
                title=title_for_site(rendered.subject),
                letter=text,
                tags=[machine_tag("ods", trust.ods), CAMPAIGN_TAG],
                site=home,
            )
        except ValueError as error:
            raise UsageError(f"--body {name}: {error}.") from None
        if link.letter_included:
            emit(link.url)
        else:
            emit(f"{link.url}\n\n{text}")
            s.warn(
                f"The letter to {trust.name} is too long to fit in a link that every browser "
                "takes, so the link fills in the title and tags, and the letter's box says to "
                "paste it: the letter is printed beneath the link, without the greeting and "
                "the sign-off, which the site adds."
            )
    logs = "".join(
        f"\n  cocwatch sent {batch.template.name} {rendered.context.trust.id} --url "
        f"{home}/request/..."
        for rendered in batch.letters
        if rendered.context.trust is not None
    )
    s.info(
        "Open the link to start the request on WhatDoTheyKnow: review the text there and send "
        "it (the request and the reply will be public). Then log it with the address of the "
        f"request's page, so cocwatch follows it there:{logs}"
    )
