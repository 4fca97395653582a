"""Numbers in messages as the reader writes them: Dutch and English notation, thousands grouped."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.numbers import count, hours, money


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", ["€ 17,40", "€ 3.900,00", "€ 286.420,00", "12", "15,8", "7,25", "2.350"]),
    ("en", ["€ 17.40", "€ 3,900.00", "€ 286,420.00", "12", "15.8", "7.25", "2,350"]),
])
def test_amounts_hours_and_counts_in_the_active_language(language, expected):
    with translation.override(language):
        assert [money(Decimal("17.4")), money("3900"), money(Decimal("286420.00")), hours(Decimal("12.00")),
                hours("15.80"), hours(Decimal("7.25")), count(2350)] == expected
