"""Member colours of the page and the report: distinct for colour-blind readers, never red.

* The ten fills are the Okabe-Ito colours without vermillion, then Paul Tol's muted indigo,
  green, olive and purple. They keep apart under the common colour-vision deficiencies, and every
  coloured one lies at least :data:`MIN_HUE_DISTANCE` degrees of hue from the reds the page
  reserves for "now" and "no schedule" (:data:`RESERVED_REDS`); black has no hue to confuse.
* A member's preferred colour is a hash of their id (so it stays the same across pages, teams and
  reloads); a member whose colour is taken by an earlier member of the team file takes the next
  free one. From the eleventh member on, colours repeat with a *mark* (a dot pattern, then rings)
  drawn over the fill, and the block label tells members apart as well.
* Text on a fill is black or white, whichever contrasts more (WCAG relative luminance).
"""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Colour:
    """A member's fill colour, a text colour readable on it (both CSS hex) and a mark number
    (0: plain fill; 1, 2, ...: a pattern drawn over it, for teams past the palette)."""

    fill: str
    text: str
    mark: int = 0


FILLS: tuple[str, ...] = (
    "#0072B2",  # Okabe-Ito blue
    "#E69F00",  # Okabe-Ito orange
    "#009E73",  # Okabe-Ito bluish green
    "#56B4E9",  # Okabe-Ito sky blue
    "#F0E442",  # Okabe-Ito yellow
    "#332288",  # Tol indigo
    "#117733",  # Tol green
    "#999933",  # Tol olive
    "#AA4499",  # Tol purple
    "#000000",  # Okabe-Ito black
)
MARKS = 3
"""Plain, dotted, ringed: with ten fills, 30 members get a distinct look."""
NOW_RED = "#d40000"
HOLE_RED = "#e4a0a0"
RESERVED_REDS = (NOW_RED, HOLE_RED)
MIN_HUE_DISTANCE = 40.0
DARK_TEXT = "#111111"
LIGHT_TEXT = "#ffffff"


def _channels(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


def hue(hex_colour: str) -> float:
    """Hue in degrees [0, 360) (HSV), e.g. ``hue("#00ff00") == 120.0``."""
    return colorsys.rgb_to_hsv(*_channels(hex_colour))[0] * 360


def saturation(hex_colour: str) -> float:
    """HSV saturation in [0, 1]: 0 for black, greys and white."""
    return colorsys.rgb_to_hsv(*_channels(hex_colour))[1]


def hue_distance(left: str, right: str) -> float:
    """Distance of two hues around the colour wheel, in degrees [0, 180]."""
    difference = abs(hue(left) - hue(right)) % 360
    return min(difference, 360 - difference)


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance in [0, 1]."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(hex_colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(left: str, right: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    high, low = sorted((luminance(left), luminance(right)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    return max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast(fill, text))


PALETTE: tuple[Colour, ...] = tuple(Colour(fill, text_on(fill)) for fill in FILLS)
UNKNOWN = Colour("#dddddd", DARK_TEXT)


def member_colours(member_ids: Iterable[str]) -> dict[str, Colour]:
    """Member id -> colour, stable per id; ids in team-file order (see the module docstring).

    >>> colours = member_colours(["ann", "bob"])
    >>> colours == member_colours(["ann", "bob"]) and colours["ann"] != colours["bob"]
    True
    """
    size = len(PALETTE)
    taken: set[int] = set()
    result: dict[str, Colour] = {}
    for member_id in member_ids:
        preferred = int(hashlib.sha256(member_id.encode("utf-8")).hexdigest(), 16) % size
        candidates = (
            mark * size + (preferred + k) % size for mark in range(MARKS) for k in range(size)
        )
        slot = next((c for c in candidates if c not in taken), preferred)
        taken.add(slot)
        base = PALETTE[slot % size]
        result[member_id] = Colour(base.fill, base.text, slot // size)
    return result


__all__ = [
    "FILLS",
    "MARKS",
    "MIN_HUE_DISTANCE",
    "PALETTE",
    "RESERVED_REDS",
    "UNKNOWN",
    "Colour",
    "contrast",
    "hue_distance",
    "member_colours",
    "saturation",
    "text_on",
]
