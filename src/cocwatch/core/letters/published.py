"""The official statistics in use, as a letter names them: who publishes them, and the groups
of women they count, from the sources' one wording table (`cocwatch.core.measures`).

A template reads `statistics.groups` (each group with the words its publisher defines it by)
rather than typing a group's definition itself. Pure; imports the declarations only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from cocwatch.core.letters.doc import Doc
from cocwatch.core.measures import Declared, Group, Publisher


@dataclass(frozen=True, slots=True)
class PublisherView:
    """Who publishes the official statistics in use, in a letter's words."""

    name: Annotated[str, Doc("'NHS England'.")]
    possessive: Annotated[str, Doc("'NHS England's'.")]
    statistics: Annotated[str, Doc("Its statistics by name: 'NHS England's Maternity …'.")]
    quality_checks: Annotated[str, Doc("'NHS England's data-quality checks'.")]


def publisher_view(publisher: Publisher) -> PublisherView:
    return PublisherView(
        name=publisher.name,
        possessive=publisher.possessive,
        statistics=f"{publisher.possessive} {publisher.title}",
        quality_checks=publisher.quality_checks,
    )


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group of women the official statistics count, as their publisher defines it."""

    code: Annotated[str, Doc("The source's own name of the breakdown.")]
    cohort: Annotated[str | None, Doc("The registry cohort it records, if any.")]
    who: Annotated[str, Doc("The group in a sentence, as its publisher defines it.")]
    label: Annotated[str, Doc("The same as a heading.")]
    published_as: Annotated[str, Doc("The publisher's own name for it, if people meet it.")]
    publisher: Annotated[PublisherView, Doc("Who publishes figures of it.")]


def _group_view(group: Group, publisher: Publisher) -> GroupView:
    return GroupView(
        code=group.code,
        cohort=group.cohort,
        who=group.who,
        label=group.label,
        published_as=group.published_as,
        publisher=publisher_view(publisher),
    )


@dataclass(frozen=True, slots=True)
class StatisticsView:
    """The official statistics cocwatch reads, as letters name them."""

    publishers: Annotated[tuple[PublisherView, ...], Doc("Who publishes them.")]
    groups: Annotated[
        tuple[GroupView, ...],
        Doc(
            "Every group of women their figures are given for, or compared with, within a "
            "Trust: each targeted group, then the group it is compared with."
        ),
    ]


def statistics_view(declared: Declared) -> StatisticsView:
    """The view of the declared sources' publishers and groups (each group once)."""
    groups: dict[str, GroupView] = {}
    for measure in declared.measures:
        paired = [g for pair in measure.equity for g in (pair.group, pair.comparison)]
        for group in [*paired, *measure.groups]:
            groups.setdefault(group.code, _group_view(group, measure.publisher))
    publishers = tuple(publisher_view(p) for p in declared.publishers())
    return StatisticsView(publishers=publishers, groups=tuple(groups.values()))
