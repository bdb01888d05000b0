"""Validate a small hand-written YAML file (the config, the correspondence log) against a model.

The same strict loader and locator as the registry's: duplicate keys refused, impossible dates
reported, every problem located by line and column and worded for a person. Each kind of file
raises its own error (`fail`), so its message can say what the file is and how to fix it.
Imports pydantic (lazily) and the package's loader and locator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from cocwatch.errors import Problem, RegistryError
from cocwatch.registry.locate import Locator, validation_problems
from cocwatch.registry.yaml_loader import parse_yaml

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")


@dataclass(frozen=True, slots=True)
class Document(Generic[M]):
    """A validated file, or the problems that stopped it; `locator` places further problems."""

    value: M | None  # None when the data did not validate
    problems: list[Problem]  # duplicate keys and validation problems, in the order found
    locator: Locator


def validate_document(
    text: str,
    source: str,
    model: type[M],
    *,
    fail: Callable[[list[Problem]], Exception],
    not_a_mapping: str,
    locator: Callable[[str, dict[str, Any], Any], Locator] = Locator,
) -> Document[M]:
    """Parse `text` and validate it as `model`; an empty file is an empty set of keys.

    A YAML syntax error, or a file that is not a set of keys (`not_a_mapping` says what it
    should be), raises `fail(problems)`. Problems found after parsing are returned, for the
    caller to add its own checks before raising.
    """
    from pydantic import ValidationError

    try:
        data, problems = parse_yaml(text, source)
    except RegistryError as exc:  # the loader's located syntax errors
        raise fail(exc.problems) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise fail([Problem(not_a_mapping, line=1)])
    where = locator(text, data, model)
    try:
        value: M | None = model.model_validate(data)
    except ValidationError as exc:
        value = None
        problems += validation_problems(exc, where)
    return Document(value, problems, where)
