"""Co-financings paid at the same time all charge the one envelope, on the real event store."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from uuid import UUID

from osezia.domain.budget.model import Measure
from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants

PAYMENTS = 12


def a_reported_diagnostic(platform: Platform, serial: int) -> UUID:
    """A company of CCI's, sent to Bpifrance for a diagnostic that is now reported."""
    company = platform.companies.register_company(
        "cci",
        siren=complete_siren(f"{70_000_000 + serial:08d}"),
        legal_name=f"Atelier {serial}",
        region="53",
        departement="35",
        naf="25.62A",
        size=SizeFacts(headcount_uta=Decimal(60)),
    )
    platform.referrals.share_company(
        "cci",
        company,
        to_tenant="bpifrance",
        purpose="DIAGNOSTIC",
        reason="wants a diagnostic Data IA",
        consent_reference=f"consent-{serial}",
    )
    d = platform.diagnostics
    diagnostic = d.request_diagnostic("bpifrance", company_id=company)
    d.check_eligibility("bpifrance", diagnostic)
    d.assign_expert("bpifrance", diagnostic, expert="Cabinet Alto")
    d.deliver_inventory("bpifrance", diagnostic)
    d.identify_use_cases("bpifrance", diagnostic, use_cases=[UseCase("UC1", "Devis")])
    d.prioritise_use_cases("bpifrance", diagnostic, scores=[UseCaseScore("UC1", 4, 3)])
    d.deliver_report("bpifrance", diagnostic, on=d.today())
    return diagnostic


def test_cofinancings_paid_at_once_each_charge_the_envelope_once(
    platform: Platform, tenants: Tenants
) -> None:
    platform.budget.open_budget("operator")
    diagnostics = [a_reported_diagnostic(platform, n) for n in range(PAYMENTS)]

    def pay(diagnostic: UUID) -> None:
        platform.diagnostics.pay_cofinancing("bpifrance", diagnostic, price_cents=1_500_000)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(pay, diagnostics))  # re-raises the first error, if any

    envelope = platform.budget.envelope()
    assert envelope.paid[Measure.DIAGNOSTICS] == PAYMENTS * 600_000
    assert envelope.committed[Measure.DIAGNOSTICS] == PAYMENTS * 600_000
    assert sorted(envelope.commitments) == sorted(f"DIAG-{d}" for d in diagnostics)
    assert {platform.diagnostics.get_diagnostic("bpifrance", d).status for d in diagnostics} == {
        "COFINANCING_PAID"
    }
