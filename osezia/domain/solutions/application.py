"""The write API for the catalogue of AI solutions and their adoption by companies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.companies.standing import seen_company
from osezia.domain.errors import AlreadyExists, Conflict, NotFound
from osezia.domain.identifiers import normalise_siren
from osezia.domain.inputs import choice, text
from osezia.domain.solutions.model import Adoption, Solution, SolutionProvider, Sovereignty
from osezia.domain.solutions.usecases import UseCaseCategory


class Solutions(PlatformApplication):
    """Lists providers and their solutions, withdraws solutions, records their adoption."""

    def list_provider(
        self,
        tenant: str,
        *,
        siren: str,
        name: str,
        sovereignty: str,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            provider = SolutionProvider(
                tenant=tenant,
                siren=normalise_siren(siren),
                name=text(name, "provider name"),
                sovereignty=choice(Sovereignty, sovereignty, "sovereignty").value,
            )
            return provider.id, [provider]

        arguments = (siren, name, sovereignty)
        try:
            return self.execute(tenant, idempotency_key, Command.LIST_PROVIDER, arguments, run)
        except Conflict:
            # The id derives from the SIREN: a second listing conflicts on version 1, exactly,
            # even when two arrive at once.
            raise AlreadyExists(
                f"a provider with SIREN {normalise_siren(siren)} is already listed"
            ) from None

    def list_solution(
        self,
        tenant: str,
        *,
        provider_id: UUID,
        name: str,
        description: str,
        categories: Sequence[str],
        turnkey: bool = True,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            # Providers are public: a network may list a solution of a provider another listed.
            provider = self.get_provider(provider_id)
            solution = Solution.of_provider(
                tenant,
                provider,
                name=text(name, "solution name"),
                description=text(description, "solution description"),
                categories=[choice(UseCaseCategory, c, "use-case category") for c in categories],
                turnkey=bool(turnkey),
            )
            return solution.id, [solution]

        arguments = (provider_id, name, description, list(categories), turnkey)
        return self.execute(tenant, idempotency_key, Command.LIST_SOLUTION, arguments, run)

    def withdraw_solution(
        self,
        tenant: str,
        solution_id: UUID,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            solution = self.load(tenant, solution_id, Solution, "solution")
            solution.withdraw(text(reason, "withdrawal reason"))
            return None, [solution]

        arguments = (solution_id, reason)
        self.execute(tenant, idempotency_key, Command.WITHDRAW_SOLUTION, arguments, run)

    def record_adoption(
        self,
        tenant: str,
        *,
        company_id: UUID,
        solution_id: UUID,
        on: date,
        idempotency_key: str | None = None,
    ) -> UUID:
        """Record the adoption and move the company to ADOPTED, in one save."""

        def run() -> tuple[UUID, list[Aggregate]]:
            company = seen_company(self, tenant, company_id)
            record = company.record(tenant)
            solution = self.get_solution(solution_id)
            self.check_not_adopted(company, solution)
            self.happened(on, "an adoption")
            adoption = Adoption.record(
                tenant,
                company_id=company.id,
                company_siren=company.siren,
                company_name=record.legal_name,
                region=record.region,
                segment=record.segment,
                solution=solution,
                on=on,
            )
            # The adopting network's own record moves to ADOPTED (a network that only received
            # a referral keeps none); a second solution adopted later leaves it where it is.
            own = company.records.get(tenant)
            if own is not None and own.adoption_stage is not AdoptionStage.ADOPTED:
                company.advance_adoption(tenant, AdoptionStage.ADOPTED, on)
            return adoption.id, [adoption, company]

        arguments = (company_id, solution_id, on)
        try:
            return self.execute(tenant, idempotency_key, Command.RECORD_ADOPTION, arguments, run)
        except Conflict:
            # The same adoption recorded at the same time by two calls: one wins, the other is
            # a duplicate. Any other conflict (the company changed meanwhile) stays a conflict.
            if self.find(Adoption.create_id(company_id, solution_id), Adoption) is not None:
                raise self._already_adopted(company_id, solution_id) from None
            raise

    def check_not_adopted(self, company: Company, solution: Solution) -> None:
        if self.find(Adoption.create_id(company.id, solution.id), Adoption) is not None:
            raise self._already_adopted(company.id, solution.id)

    def get_provider(self, provider_id: UUID) -> SolutionProvider:
        provider = self.find(provider_id, SolutionProvider)
        if provider is None:
            raise NotFound(f"no provider with id {provider_id}")
        return provider

    def get_solution(self, solution_id: UUID) -> Solution:
        solution = self.find(solution_id, Solution)
        if solution is None:
            raise NotFound(f"no solution with id {solution_id}")
        return solution

    def get_adoption(self, tenant: str, adoption_id: UUID) -> Adoption:
        return self.load(tenant, adoption_id, Adoption, "adoption")

    @staticmethod
    def provider_id_for(siren: str) -> UUID:
        return SolutionProvider.create_id(normalise_siren(siren))

    @staticmethod
    def _already_adopted(company_id: UUID, solution_id: UUID) -> AlreadyExists:
        return AlreadyExists(
            f"company {company_id} already adopted solution {solution_id}; "
            "an adoption is recorded once"
        )
