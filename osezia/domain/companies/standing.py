"""A network's standing in a company, as every command that names one checks it first."""

from __future__ import annotations

from uuid import UUID

from osezia.domain.application import PlatformApplication
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import Record
from osezia.domain.errors import NotFound, NotRegistered


def no_company(company_id: UUID) -> NotFound:
    return NotFound(f"no company with id {company_id}")


def seen_company(app: PlatformApplication, tenant: str, company_id: UUID) -> Company:
    """The company, if ``tenant`` may act on it (it follows it or holds a live referral).

    A company the caller does not see answers exactly as a SIREN nobody registered, before any
    other rule is checked, so that neither its existence nor its facts can be probed.
    """
    company = app.find(company_id, Company)
    if company is None:
        raise no_company(company_id)
    if not app.networks.sees(tenant, "company", company.tenant, company.region, company.parties):
        raise no_company(company_id)
    return company


def own_record(company: Company, tenant: str) -> Record:
    """The record ``tenant`` keeps of a company it sees: only a follower changes its record."""
    record = company.records.get(tenant)
    if record is None:
        raise NotRegistered(
            f"your network sees company {company.siren} through a referral but does not follow "
            "it: register its SIREN to keep a record of your own"
        )
    return record
