"""`Doc`: the note that documents one field a letter template can read.

Pure; imports nothing from cocwatch. `fields.describe_context` turns the notes into the table
of template fields.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Doc:
    """The documentation of one context field (read by `describe_context`)."""

    text: str
