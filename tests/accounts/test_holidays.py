"""Spring Festival and Mid-Autumn computed from the Sun and the Moon, against the published calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from tierwise.accounts.holidays import Holiday, holiday_date, mid_autumn, spring_festival

D = dt.date
SPRING = {
    2020: D(2020, 1, 25), 2021: D(2021, 2, 12), 2022: D(2022, 2, 1), 2023: D(2023, 1, 22),
    2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17), 2027: D(2027, 2, 6),
    2028: D(2028, 1, 26), 2029: D(2029, 2, 13), 2030: D(2030, 2, 3),
}  # fmt: skip
MID_AUTUMN = {
    2020: D(2020, 10, 1), 2021: D(2021, 9, 21), 2022: D(2022, 9, 10), 2023: D(2023, 9, 29),
    2024: D(2024, 9, 17), 2025: D(2025, 10, 6), 2026: D(2026, 9, 25), 2027: D(2027, 9, 15),
    2028: D(2028, 10, 3), 2029: D(2029, 9, 22), 2030: D(2030, 9, 12),
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(SPRING))
def test_spring_festival(year: int) -> None:
    assert spring_festival(year) == SPRING[year]
    assert holiday_date(Holiday.SPRING_FESTIVAL, year) == SPRING[year]


@pytest.mark.parametrize("year", sorted(MID_AUTUMN))
def test_mid_autumn(year: int) -> None:
    assert mid_autumn(year) == MID_AUTUMN[year]
    assert holiday_date(Holiday.MID_AUTUMN, year) == MID_AUTUMN[year]
