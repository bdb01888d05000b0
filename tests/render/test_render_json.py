"""`to_json`: indented JSON that a script can read back; dates as ISO text, models as data."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cocwatch.core.models import Thresholds
from cocwatch.render.tabular import to_json


def test_dates_and_models_are_plain_data() -> None:
    text = to_json({"day": date(2026, 11, 23), "thresholds": Thresholds(), "ü": "naïve"})
    assert json.loads(text) == {
        "day": "2026-11-23",
        "thresholds": {"tolerance_points": 2.0, "board_review_days": 35, "stale_after_days": 120},
        "ü": "naïve",
    }
    assert text.endswith("}\n") and "naïve" in text  # not escaped to \\u


def test_what_json_cannot_carry_is_refused() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        to_json({"loop": loop})
    with pytest.raises(TypeError, match="cannot serialise"):
        to_json({"x": object()})
