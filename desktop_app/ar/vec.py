"""Fixed-length float tuples from numpy rows or generators, as the guide format stores them.

``tuple(float(v) for v in row)`` has type ``tuple[float, ...]``; unpacking instead gives the
checker the length the dataclasses declare and fails loudly on a wrong-sized input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import SupportsFloat


def vec3(values: Iterable[SupportsFloat]) -> tuple[float, float, float]:
    x, y, z = values
    return float(x), float(y), float(z)


def vec4(values: Iterable[SupportsFloat]) -> tuple[float, float, float, float]:
    w, x, y, z = values
    return float(w), float(x), float(y), float(z)
