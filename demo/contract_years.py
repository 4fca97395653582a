"""The demo's contract years, each with its whole GCP calendar."""

from contracting.models import ContractYear
from contracting.services import contract_year_ensure

from .registry import DemoContext, demo_step


@demo_step("contracting.contract_years", order=20)
def seed_contract_years(ctx: DemoContext) -> dict[str, int]:
    before = ContractYear.objects.count()
    for year in ctx.years:
        contract_year_ensure(actor=None, year=year)
    return {"contract_years": ContractYear.objects.count() - before}
