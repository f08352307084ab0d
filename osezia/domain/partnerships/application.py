"""The write API for research partnerships (INRIA with SMEs)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command
from osezia.domain.companies.model import Company
from osezia.domain.companies.standing import seen_company
from osezia.domain.inputs import text
from osezia.domain.partnerships.model import Partnership


class Partnerships(PlatformApplication):
    """Proposes partnerships and moves them along: signed, started, completed or abandoned."""

    def propose_partnership(
        self,
        tenant: str,
        *,
        research_team: str,
        topic: str,
        company_id: UUID,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            company = seen_company(self, tenant, company_id)
            record = company.record(tenant)
            partnership = Partnership(
                tenant=tenant,
                research_team=text(research_team, "research team"),
                topic=text(topic, "partnership topic"),
                company_id=company_id,
                company_siren=company.siren,
                company_name=record.legal_name,
                region=record.region,
            )
            return partnership.id, [partnership]

        arguments = (research_team, topic, company_id)
        return self.execute(tenant, idempotency_key, Command.PROPOSE_PARTNERSHIP, arguments, run)

    def sign_partnership(
        self, tenant: str, partnership_id: UUID, *, on: date, idempotency_key: str | None = None
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            partnership = self.get_partnership(tenant, partnership_id)
            on_ = self.happened(on, "a signature")
            partnership.sign(on_, self._category_of(tenant, partnership.company_id))
            return None, [partnership]

        arguments = (partnership_id, on)
        self.execute(tenant, idempotency_key, Command.SIGN_PARTNERSHIP, arguments, run)

    def start_partnership(
        self, tenant: str, partnership_id: UUID, *, on: date, idempotency_key: str | None = None
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            partnership = self.get_partnership(tenant, partnership_id)
            partnership.start(self.happened(on, "a start"))
            return None, [partnership]

        arguments = (partnership_id, on)
        self.execute(tenant, idempotency_key, Command.START_PARTNERSHIP, arguments, run)

    def complete_partnership(
        self, tenant: str, partnership_id: UUID, *, on: date, idempotency_key: str | None = None
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            partnership = self.get_partnership(tenant, partnership_id)
            partnership.complete(self.happened(on, "a completion"))
            return None, [partnership]

        arguments = (partnership_id, on)
        self.execute(tenant, idempotency_key, Command.COMPLETE_PARTNERSHIP, arguments, run)

    def abandon_partnership(
        self,
        tenant: str,
        partnership_id: UUID,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            partnership = self.get_partnership(tenant, partnership_id)
            partnership.abandon(text(reason, "abandonment reason"))
            return None, [partnership]

        arguments = (partnership_id, reason)
        self.execute(tenant, idempotency_key, Command.ABANDON_PARTNERSHIP, arguments, run)

    def _category_of(self, tenant: str, company_id: UUID) -> str | None:
        """The company's legal size category in the record the network sees today (None when
        its size was never assessed, or the network no longer sees the company)."""
        company = self.find(company_id, Company)
        try:
            return None if company is None else company.record(tenant).size_category
        except LookupError:
            return None

    def get_partnership(self, tenant: str, partnership_id: UUID) -> Partnership:
        return self.load(tenant, partnership_id, Partnership, "partnership")
