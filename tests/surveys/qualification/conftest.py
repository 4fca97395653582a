"""The contracting fixtures these tests build on: a market of two insurers, a practice and its signatory, the
purchasers of both insurers, the year 2027 with NZa tariffs."""

from tests.contracting.conftest import (  # noqa: F401
    market,
    nza_tariffs,
    other_purchaser,
    practice_3100,
    published_contract,
    purchaser,
    signatory,
    year2027,
)
