"""`cocwatch schema` accepts what `validate` accepts, read by a third-party validator.

A registry is converted as an editor plugin or CI job would: PyYAML reads it (so a bare `yes`
becomes the boolean true, a date a date), JSON carries it (dates as ISO text), and
`jsonschema` checks it against the schema `cocwatch schema` prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import Result

from cocwatch.errors import RegistryError
from cocwatch.locations import shipped_registry
from cocwatch.registry import parse_registry
from tests.support.paths import ROOT
from tests.support.registries import MINIMAL_REGISTRY

Run = Callable[..., Result]
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    from typer.testing import CliRunner

    from cocwatch.cli import app

    schema = json.loads(CliRunner().invoke(app, ["schema"]).stdout)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _as_json(text: str) -> Any:
    data = yaml.safe_load(text)
    return json.loads(json.dumps(data, default=lambda d: d.isoformat()))


def _validate_accepts(text: str) -> bool:
    try:
        parse_registry(text, "trusts.yaml", today=TODAY)
    except RegistryError:
        return False
    return True


@pytest.mark.parametrize("path", [ROOT / "examples" / "demo.yaml", shipped_registry()])
def test_the_schema_accepts_the_demo_and_shipped_registries(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    text = path.read_text(encoding="utf-8")
    assert _validate_accepts(text)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_as_json(text))
    ]
    assert errors == []


PLAN = """\
    plan:
      status: {status}
      coproduced: {coproduced}
    inspections:
      - {{date: 2023-05-01, body: CQC, rating: {rating}}}
"""


@pytest.mark.parametrize(
    ("status", "coproduced", "rating", "accepted"),
    [
        ("active", "yes", "good", True),
        ("active", "no", "good", True),
        ("active", "true", "good", True),
        ("Active", "Yes", "Requires improvement", True),
        ("' paused '", "unknown", "requires-improvement", True),
        ("PAUSED", "'NO'", "Not rated", True),
        ("active", "maybe", "good", False),
        ("activ", "yes", "good", False),
        ("active", "yes", "excellent", False),
        ("active", "1", "good", False),
    ],
)
def test_schema_and_validate_agree_on_the_words_people_write(
    validator: jsonschema.Draft202012Validator,
    status: str,
    coproduced: str,
    rating: str,
    *,
    accepted: bool,
) -> None:
    text = MINIMAL_REGISTRY + PLAN.format(status=status, coproduced=coproduced, rating=rating)
    assert _validate_accepts(text) is accepted
    assert validator.is_valid(_as_json(text)) is accepted


def test_a_bare_number_is_text_for_both(validator: jsonschema.Draft202012Validator) -> None:
    text = MINIMAL_REGISTRY.replace("ods: XX2", "ods: 12345")
    assert _validate_accepts(text)
    assert validator.is_valid(_as_json(text))
