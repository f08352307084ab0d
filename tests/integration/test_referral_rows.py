"""A referral's typed row from the read model to the API: the referrals' page (its SQL in
osezia/projections/referrals.py) reads back what the projection wrote, sent or received."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from uuid import UUID

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.referrals import READ_COLUMNS, TABLE, ReferralRow, referrals_page
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of
from tests.integration.rows_support import read_as


def test_a_referrals_row_reads_back_typed_as_the_projection_wrote_it(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    company = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="53",
        departement="35",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )

    def share(to: str) -> UUID:
        return platform.referrals.share_company(
            "cci",
            company,
            to_tenant=to,
            purpose="PARTNERSHIP",
            reason="recherche",
            consent_reference=f"accord-{to}",
        )

    kept, revoked = share("inria"), share("bpifrance")
    platform.referrals.revoke_referral("cci", revoked, reason="retrait du consentement")
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    written = {
        r.id: r
        for r in map(ReferralRow.from_row, asyncio.run(snapshot(database_url, "cci"))["referrals"])
    }

    def page_of(tenant: str, *, received: bool, active_only: bool) -> list[ReferralRow]:
        found = read_as(
            database_url,
            tenant,
            lambda conn: referrals_page(
                conn, tenant, received=received, active_only=active_only, first=5, after=None
            ),
        )
        return found.rows

    assert page_of("cci", received=False, active_only=False) == [written[kept], written[revoked]]
    assert page_of("cci", received=False, active_only=True) == [written[kept]]
    assert page_of("cci", received=True, active_only=False) == []
    assert page_of("inria", received=True, active_only=False) == [written[kept]]
    assert page_of("inria", received=False, active_only=False) == []
    gone = written[revoked]
    assert (gone.status, gone.to_tenant, gone.revoke_reason) == (
        "REVOKED",
        "bpifrance",
        "retrait du consentement",
    )
    assert gone.revoked_at is not None
    assert gone.shared_at < gone.revoked_at

    node = Api(database_url, platform).run(
        "cci",
        f'{{ node(id: "{revoked}") {{ ... on Referral {{ fromNetwork toNetwork status '
        "consentReference revokeReason } } }",
    )["node"]
    assert node == {
        "fromNetwork": "cci",
        "toNetwork": "bpifrance",
        "status": "REVOKED",
        "consentReference": "accord-bpifrance",
        "revokeReason": "retrait du consentement",
    }


def test_a_referrals_row_reads_only_columns_the_read_model_declares() -> None:
    assert set(READ_COLUMNS.split(", ")) <= set(TABLE.column_names)
