"""The demo's sizes, as data: which of the province's units take part, and in how many regions.

A region is one copy of the province's quota table (its own unit codes, the same places);
every scale draws its nominees from the same seeded generator, so each stays deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

from demo.population import DemoUnit, demo_units


@dataclass(frozen=True)
class Scale:
    name: str
    units: tuple[str, ...] | None  # the province's unit codes taken part (None: all of them)
    regions: int  # copies of that table; the first keeps the province's own codes and names
    phase_lines: bool  # a line on stderr as each phase ends (a long run shows it is moving)


SCALES = {
    # Five small units (about 46 nominations), for tests on both databases: every stage, a
    # quota refusal, vetoes, step-ups, reminders and escalations, the committee's override.
    "small": Scale("small", ("city03", "city04", "transport", "sci", "railway"), 1, False),
    # The province: 19 units, about 310 nominations.
    "province": Scale("province", None, 1, False),
    # National: 32 regions of 19 units (608 units), about 9,900 nominations, 8,000 awards.
    "national": Scale("national", None, 32, True),
}
DEFAULT_SCALE = "province"


def scale_units(scale: Scale) -> list[DemoUnit]:
    """The units holding places at this scale, region by region, in a fixed order."""
    base = [u for u in demo_units() if scale.units is None or u.code in scale.units]
    units = list(base)
    for region in range(2, scale.regions + 1):
        units += [
            DemoUnit(f"r{region:02d}-{u.code}", f"{u.name}（第{region}片区）", u.places, u.kind)
            for u in base
        ]
    return units
