"""Reconnect delays: exponential with full jitter, capped, with a floor (as the JS client)."""

from __future__ import annotations

import random as _random

BASE_S = 0.5
CAP_S = 30.0
FLOOR_S = 0.25


def delay(attempt: int, rnd=_random.random, base: float = BASE_S, cap: float = CAP_S) -> float:
    """The wait before reconnect attempt ``attempt`` (0 = the first retry), in seconds."""
    ceiling = min(cap, base * 2 ** min(attempt, 30))
    return max(FLOOR_S, rnd() * ceiling)
