"""The test harness that forks cocwatch runs reads its answers whole, however they arrive."""

from __future__ import annotations

import sys
import time

from tests.support.preloaded import _Parent

BOTH_ANSWERS_AT_ONCE = "import os, time; os.write(1, b'4242\\n0\\n'); time.sleep(30)"


def test_two_answers_arriving_in_one_read_are_both_seen() -> None:
    """A quick run's pid and exit status can reach the pipe together; neither may be lost."""
    parent = _Parent({}, command=[sys.executable, "-c", BOTH_ANSWERS_AT_ONCE])
    try:
        assert parent._answer(deadline=time.monotonic() + 10) == "4242"
        assert parent._answer(deadline=time.monotonic() + 2) == "0"
    finally:
        parent.process.kill()
        parent.process.wait()
