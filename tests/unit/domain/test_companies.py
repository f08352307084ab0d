"""The Companies application on the in-memory store: registration, establishments, size, AI
adoption, idempotency, tenant isolation and replay."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osezia.domain.application import CommandReceipt
from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.errors import DomainError
from osezia.domain.sizes import SizeFacts
from osezia.tenants.networks import NETWORKS
from tests.strategies import (
    LA_POSTE_SIREN,
    departements_with_region,
    luhn_check_digit,
    naf_codes,
    valid_sirens,
)
from tests.unit.conftest import MEMORY

CCI = "cci"
BPIFRANCE = "bpifrance"
SIREN = "632012100"
OTHER_SIREN = "542107651"
FIVE_PEOPLE = SizeFacts(headcount_uta=Decimal(5))


def appended(companies: Companies) -> int:
    """How many events the whole log holds, read page by page (a page has at most 10)."""
    count, start = 0, 1
    while page := companies.notification_log.select(start=start, limit=10):
        count += len(page)
        start = page[-1].id + 1
    return count


def siret_of(siren: str, nic: str) -> str:
    """The SIRET of ``siren`` whose NIC starts with the 4 digits ``nic``, Luhn digit added."""
    payload = siren + nic
    return payload + luhn_check_digit(payload)


def register(
    companies: Companies, tenant: str = CCI, *, siren: str = SIREN, **overrides: Any
) -> UUID:
    arguments: dict[str, Any] = {
        "legal_name": "Compagnie Générale",
        "region": "84",
        "departement": "69",
        "naf": "62.01Z",
        "size": FIVE_PEOPLE,
    }
    arguments.update(overrides)
    return companies.register_company(tenant, siren=siren, **arguments)


def raises_code(code: str, command: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as raised:
        command()
    assert raised.value.code == code, raised.value.message
    return raised.value


# --- registering ---------------------------------------------------------------------------


def test_registering_a_company_returns_the_id_derived_from_its_siren(
    companies: Companies,
) -> None:
    company_id = register(companies, siren="632 012 100")

    assert company_id == Company.create_id("632012100")
    assert company_id == companies.company_id_for("632-012-100")


def test_a_registered_company_keeps_its_codes_in_their_normal_form(companies: Companies) -> None:
    company_id = register(
        companies,
        siren="632.012.100",
        legal_name="  Compagnie   Générale ",
        region="84",
        departement="1",
        naf="6201z",
    )

    company = companies.get_company(CCI, company_id)

    assert company.tenant == CCI
    assert company.siren == "632012100"
    assert company.legal_name == "Compagnie Générale"
    assert company.region == "84"
    assert company.departement == "01"
    assert company.naf == "62.01Z"
    assert company.records[CCI].adoption_stage is AdoptionStage.NONE
    assert company.records[CCI].establishments == {}


def test_registering_records_the_size_category_with_its_basis_and_the_facts_behind_it(
    companies: Companies,
) -> None:
    facts = SizeFacts(
        headcount_uta=Decimal("12.5"), turnover_cents=150_000_000, balance_sheet_cents=90_000_000
    )

    company_id = register(companies, size=facts)

    assessed = [e for e in companies.events.get(company_id) if isinstance(e, Company.SizeAssessed)]
    assert len(assessed) == 1
    assert (assessed[0].category, assessed[0].basis, assessed[0].segment) == (
        "PME",
        "LEGAL",
        "PME_ETI",
    )
    assert assessed[0].headcount_uta == Decimal("12.5")
    assert assessed[0].turnover_cents == 150_000_000
    assert assessed[0].balance_sheet_cents == 90_000_000
    record = companies.get_company(CCI, company_id).records[CCI]
    assert (record.size_category, record.size_basis, record.segment) == (
        "PME",
        "LEGAL",
        "PME_ETI",
    )


def test_a_sirene_pme_in_the_6_to_9_staff_band_is_recorded_as_a_micro_enterprise_on_sirene(
    companies: Companies,
) -> None:
    company_id = register(companies, size=SizeFacts(sirene_category="PME", staff_band="03"))

    record = companies.get_company(CCI, company_id).records[CCI]

    assert (record.size_category, record.size_basis, record.segment) == (
        "MICRO",
        "SIRENE",
        "TPE",
    )


def test_reassessing_the_size_records_the_new_category_and_basis(companies: Companies) -> None:
    company_id = register(companies, size=SizeFacts(staff_band="03"))

    companies.reassess_size(CCI, company_id, SizeFacts(headcount_uta=Decimal(300)))

    record = companies.get_company(CCI, company_id).records[CCI]
    assert (record.size_category, record.size_basis, record.segment) == (
        "ETI",
        "LEGAL",
        "PME_ETI",
    )


@pytest.mark.parametrize("second_spelling", ["632012100", "632 012 100", "632.012.100"])
def test_registering_a_siren_twice_is_refused_and_appends_nothing(
    companies: Companies, second_spelling: str
) -> None:
    register(companies)
    before = appended(companies)

    error = raises_code(
        "ALREADY_REGISTERED", lambda: register(companies, siren=second_spelling, legal_name="Autre")
    )

    assert SIREN in error.message
    assert appended(companies) == before


def test_a_siren_registered_by_one_network_is_followed_by_another_under_the_same_id(
    companies: Companies,
) -> None:
    cci_company = register(companies, CCI)
    cci_record = deepcopy(companies.get_company(CCI, cci_company).records[CCI])

    bpifrance_company = register(
        companies, BPIFRANCE, legal_name="CGE", size=SizeFacts(headcount_uta=Decimal(300))
    )

    assert bpifrance_company == cci_company
    company = companies.get_company(BPIFRANCE, bpifrance_company)
    assert company.tenant == CCI
    assert company.legal_name == "Compagnie Générale"
    assert set(company.records) == {CCI, BPIFRANCE}
    assert company.records[BPIFRANCE].legal_name == "CGE"
    assert company.records[BPIFRANCE].size_category == "ETI"
    assert company.records[CCI] == cci_record


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"siren": "123456789"}, "INVALID_SIREN"),
        ({"siren": "63201210"}, "INVALID_SIREN"),
        ({"region": "05"}, "INVALID_REGION"),
        ({"departement": "20"}, "INVALID_DEPARTEMENT"),
        ({"region": "11", "departement": "69"}, "INVALID_DEPARTEMENT"),
        ({"naf": "04.11Z"}, "INVALID_NAF"),
        ({"naf": "62-01"}, "INVALID_NAF"),
        ({"legal_name": "   "}, "INVALID_VALUE"),
        ({"size": SizeFacts()}, "INVALID_VALUE"),
        ({"size": SizeFacts(sirene_category="TPE")}, "INVALID_VALUE"),
        ({"size": SizeFacts(headcount_uta=Decimal(-1))}, "INVALID_VALUE"),
    ],
)
@pytest.mark.parametrize("idempotency_key", [None, "request-1"])
def test_a_registration_with_bad_input_is_refused_with_its_code_and_appends_nothing(
    companies: Companies, overrides: dict[str, Any], code: str, idempotency_key: str | None
) -> None:
    raises_code(code, lambda: register(companies, idempotency_key=idempotency_key, **overrides))

    assert appended(companies) == 0


def test_a_refused_command_leaves_its_idempotency_key_free_for_the_corrected_one(
    companies: Companies,
) -> None:
    raises_code("INVALID_NAF", lambda: register(companies, naf="04.11Z", idempotency_key="k"))

    company_id = register(companies, idempotency_key="k")

    assert company_id == Company.create_id(SIREN)


# --- establishments ------------------------------------------------------------------------


def test_an_establishment_is_added_under_its_normalised_siret(companies: Companies) -> None:
    company_id = register(companies)
    siret = siret_of(SIREN, "0001")

    companies.add_establishment(
        CCI, company_id, siret=f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}", departement="1"
    )

    record = companies.get_company(CCI, company_id).records[CCI]
    assert record.establishments == {siret: ("01", False)}


def test_a_la_poste_establishment_may_pass_on_la_postes_rule(companies: Companies) -> None:
    company_id = register(companies, siren=LA_POSTE_SIREN, region="11", departement="75")

    companies.add_establishment(CCI, company_id, siret="35600000049837", departement="75")

    assert "35600000049837" in companies.get_company(CCI, company_id).records[CCI].establishments


def test_an_establishment_of_another_siren_is_refused(companies: Companies) -> None:
    company_id = register(companies)
    before = appended(companies)

    error = raises_code(
        "INVALID_SIRET",
        lambda: companies.add_establishment(
            CCI, company_id, siret=siret_of(OTHER_SIREN, "0001"), departement="69"
        ),
    )

    assert SIREN in error.message
    assert appended(companies) == before


@pytest.mark.parametrize(
    ("siret", "departement", "code"),
    [
        ("63201210000005", "69", "INVALID_SIRET"),  # digit sum 20, but not La Poste
        ("6320121000001", "69", "INVALID_SIRET"),
        (None, "20", "INVALID_DEPARTEMENT"),
    ],
)
def test_an_establishment_with_bad_input_is_refused_and_appends_nothing(
    companies: Companies, siret: str | None, departement: str, code: str
) -> None:
    company_id = register(companies)
    before = appended(companies)
    siret_ = siret if siret is not None else siret_of(SIREN, "0001")

    raises_code(
        code,
        lambda: companies.add_establishment(CCI, company_id, siret=siret_, departement=departement),
    )

    assert appended(companies) == before


def test_the_same_siret_cannot_be_added_twice(companies: Companies) -> None:
    company_id = register(companies)
    siret = siret_of(SIREN, "0001")
    companies.add_establishment(CCI, company_id, siret=siret, departement="69")
    before = appended(companies)

    raises_code(
        "ALREADY_REGISTERED",
        lambda: companies.add_establishment(CCI, company_id, siret=siret, departement="69"),
    )

    assert appended(companies) == before


def test_a_company_has_at_most_one_head_office(companies: Companies) -> None:
    company_id = register(companies)
    companies.add_establishment(
        CCI, company_id, siret=siret_of(SIREN, "0001"), departement="69", head_office=True
    )
    companies.add_establishment(CCI, company_id, siret=siret_of(SIREN, "0002"), departement="38")
    before = appended(companies)

    raises_code(
        "INVALID_TRANSITION",
        lambda: companies.add_establishment(
            CCI, company_id, siret=siret_of(SIREN, "0003"), departement="69", head_office=True
        ),
    )

    assert appended(companies) == before
    establishments = companies.get_company(CCI, company_id).records[CCI].establishments
    assert [head for _, head in establishments.values()] == [True, False]


# --- AI adoption ---------------------------------------------------------------------------


def test_the_adoption_stage_moves_forward_with_the_date_of_each_change(
    companies: Companies,
) -> None:
    company_id = register(companies)

    companies.advance_adoption(CCI, company_id, stage="AWARE", on=date(2025, 9, 1))
    companies.advance_adoption(CCI, company_id, stage="TRAINED", on=date(2025, 9, 1))
    companies.advance_adoption(CCI, company_id, stage="DIAGNOSED", on=date(2026, 2, 3))

    record = companies.get_company(CCI, company_id).records[CCI]
    assert record.adoption_stage is AdoptionStage.DIAGNOSED
    assert record.adoption_history == [
        ("AWARE", date(2025, 9, 1)),
        ("TRAINED", date(2025, 9, 1)),
        ("DIAGNOSED", date(2026, 2, 3)),
    ]


@pytest.mark.parametrize("stage", ["NONE", "AWARE", "TRAINED"])
def test_the_adoption_stage_never_moves_back_or_stays_put(companies: Companies, stage: str) -> None:
    company_id = register(companies)
    companies.advance_adoption(CCI, company_id, stage="TRAINED", on=date(2025, 9, 1))
    before = appended(companies)

    error = raises_code(
        "INVALID_TRANSITION",
        lambda: companies.advance_adoption(CCI, company_id, stage=stage, on=date(2025, 10, 1)),
    )

    assert stage in error.message
    assert appended(companies) == before


def test_a_stage_change_cannot_be_dated_before_the_previous_one(companies: Companies) -> None:
    company_id = register(companies)
    companies.advance_adoption(CCI, company_id, stage="AWARE", on=date(2025, 9, 1))
    before = appended(companies)

    error = raises_code(
        "INVALID_DATE",
        lambda: companies.advance_adoption(CCI, company_id, stage="TRAINED", on=date(2025, 8, 31)),
    )

    assert "2025-08-31" in error.message
    assert appended(companies) == before


@pytest.mark.parametrize("stage", ["EXPERT", "", "PILOT"])
def test_an_unknown_adoption_stage_is_refused_naming_it(companies: Companies, stage: str) -> None:
    company_id = register(companies)
    before = appended(companies)

    error = raises_code(
        "INVALID_VALUE",
        lambda: companies.advance_adoption(CCI, company_id, stage=stage, on=date(2025, 9, 1)),
    )

    assert repr(stage) in error.message
    assert appended(companies) == before


# --- idempotency ---------------------------------------------------------------------------


def test_a_registration_sent_twice_with_one_key_returns_the_first_id_and_appends_nothing(
    companies: Companies,
) -> None:
    first = register(companies, idempotency_key="req-42")
    before = appended(companies)

    second = register(companies, idempotency_key="req-42")

    assert second == first
    assert appended(companies) == before


def test_an_establishment_sent_twice_with_one_key_is_added_once(companies: Companies) -> None:
    company_id = register(companies)
    siret = siret_of(SIREN, "0001")
    companies.add_establishment(CCI, company_id, siret=siret, departement="69", idempotency_key="e")
    before = appended(companies)

    companies.add_establishment(CCI, company_id, siret=siret, departement="69", idempotency_key="e")

    assert appended(companies) == before
    assert list(companies.get_company(CCI, company_id).records[CCI].establishments) == [siret]


def test_a_stage_change_sent_twice_with_one_key_is_recorded_once(companies: Companies) -> None:
    company_id = register(companies)
    on = date(2025, 9, 1)
    companies.advance_adoption(CCI, company_id, stage="AWARE", on=on, idempotency_key="a")
    before = appended(companies)

    companies.advance_adoption(CCI, company_id, stage="AWARE", on=on, idempotency_key="a")

    assert appended(companies) == before
    assert companies.get_company(CCI, company_id).records[CCI].adoption_history == [("AWARE", on)]


@pytest.mark.parametrize(
    "reuse",
    [
        pytest.param(
            lambda companies, _: register(companies, siren=OTHER_SIREN, idempotency_key="k"),
            id="other SIREN",
        ),
        pytest.param(
            lambda companies, _: register(companies, legal_name="Autre", idempotency_key="k"),
            id="other name",
        ),
        pytest.param(
            lambda companies, company_id: companies.advance_adoption(
                CCI, company_id, stage="AWARE", on=date(2025, 9, 1), idempotency_key="k"
            ),
            id="other command",
        ),
    ],
)
def test_a_key_reused_for_another_command_or_other_arguments_is_refused(
    companies: Companies, reuse: Callable[[Companies, UUID], object]
) -> None:
    company_id = register(companies, idempotency_key="k")
    before = appended(companies)

    error = raises_code("IDEMPOTENCY_KEY_REUSED", lambda: reuse(companies, company_id))

    assert "'k'" in error.message
    assert appended(companies) == before


def test_idempotency_keys_belong_to_their_tenant(companies: Companies) -> None:
    cci_company = register(companies, CCI, siren=SIREN, idempotency_key="import-1")

    bpifrance_company = register(
        companies,
        BPIFRANCE,
        siren=OTHER_SIREN,
        region="11",
        departement="75",
        idempotency_key="import-1",
    )

    assert bpifrance_company == Company.create_id(OTHER_SIREN) != cci_company
    assert companies.get_company(BPIFRANCE, bpifrance_company).siren == OTHER_SIREN


def test_another_tenants_key_does_not_replay_its_result(companies: Companies) -> None:
    company_id = register(companies, CCI, idempotency_key="import-1")
    before = appended(companies)

    # Same command, same arguments, same key: but the key is CCI's, so this is a new command,
    # and Bpifrance follows the company from then on.
    register(companies, BPIFRANCE, idempotency_key="import-1")

    assert appended(companies) > before
    assert set(companies.get_company(BPIFRANCE, company_id).records) == {CCI, BPIFRANCE}


# --- tenants -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(lambda c, i: c.get_company(BPIFRANCE, i), id="get"),
        pytest.param(lambda c, i: c.reassess_size(BPIFRANCE, i, FIVE_PEOPLE), id="reassess"),
        pytest.param(
            lambda c, i: c.add_establishment(
                BPIFRANCE, i, siret=siret_of(SIREN, "0001"), departement="69"
            ),
            id="establishment",
        ),
        pytest.param(
            lambda c, i: c.advance_adoption(BPIFRANCE, i, stage="AWARE", on=date(2025, 9, 1)),
            id="adoption",
        ),
    ],
)
def test_another_tenants_company_is_not_found(
    companies: Companies, command: Callable[[Companies, UUID], object]
) -> None:
    company_id = register(companies, CCI)
    before = appended(companies)

    error = raises_code("NOT_FOUND", lambda: command(companies, company_id))

    assert str(company_id) in error.message
    assert appended(companies) == before


def test_an_unknown_company_is_not_found(companies: Companies) -> None:
    unknown = Company.create_id(OTHER_SIREN)

    raises_code("NOT_FOUND", lambda: companies.get_company(CCI, unknown))


def test_an_idempotency_receipt_is_not_mistaken_for_a_company(companies: Companies) -> None:
    register(companies, idempotency_key="k")
    receipt_id = CommandReceipt.create_id(CCI, "k")

    raises_code("NOT_FOUND", lambda: companies.get_company(CCI, receipt_id))


# --- replay --------------------------------------------------------------------------------


def test_a_company_read_by_a_fresh_application_equals_the_one_that_wrote_it(
    companies: Companies,
) -> None:
    company_id = register(companies, size=SizeFacts(headcount_uta=Decimal("9.5")))
    companies.add_establishment(
        CCI, company_id, siret=siret_of(SIREN, "0001"), departement="69", head_office=True
    )
    companies.advance_adoption(CCI, company_id, stage="AWARE", on=date(2025, 9, 1))
    written = companies.get_company(CCI, company_id)

    reread = Companies(env=MEMORY, share_with=companies).get_company(CCI, company_id)

    assert vars(reread) == vars(written)


NETWORK_SLUGS = [CCI, BPIFRANCE, "french-tech", "inria"]


@st.composite
def company_histories(draw: st.DrawFn) -> Company:
    """A Company built straight from its aggregate methods: followed by one network or more,
    each adding establishments, size reassessments and adoption steps to its own record, in any
    order, and referring the company to other networks."""
    siren = draw(valid_sirens())
    departement, region = draw(departements_with_region())
    naf = draw(naf_codes())
    first = draw(st.sampled_from(NETWORK_SLUGS))
    company = Company(
        tenant=first,
        siren=siren,
        legal_name=draw(st.text(min_size=1, max_size=20)),
        region=region,
        departement=departement,
        naf=naf,
    )
    stages = {tenant: iter(list(AdoptionStage)[1:]) for tenant in NETWORK_SLUGS}
    days = dict.fromkeys(NETWORK_SLUGS, date(2025, 7, 1))
    steps = st.sampled_from(["follow", "size", "establishment", "adoption", "refer", "end"])
    for step in draw(st.lists(steps, max_size=10)):
        tenant = draw(st.sampled_from(sorted(company.records)))
        record = company.records[tenant]
        if step == "follow":
            newcomer = draw(st.sampled_from(NETWORK_SLUGS))
            if newcomer not in company.records:
                company.follow(
                    newcomer, draw(st.text(min_size=1, max_size=20)), region, departement, naf
                )
        elif step == "size":
            company.assess_size(
                tenant=tenant,
                category="PME",
                basis="LEGAL",
                segment="PME_ETI",
                headcount_uta=draw(st.decimals(min_value=0, max_value=249, places=2)),
                turnover_cents=draw(st.none() | st.integers(min_value=0, max_value=10**12)),
                balance_sheet_cents=None,
                sirene_category=None,
                staff_band=draw(st.none() | st.sampled_from(["11", "12"])),
            )
        elif step == "establishment":
            siret = siret_of(siren, draw(st.text(alphabet="0123456789", min_size=4, max_size=4)))
            has_head_office = any(head for _, head in record.establishments.values())
            if siret not in record.establishments:
                head_office = draw(st.booleans()) and not has_head_office
                company.add_establishment(tenant, siret, departement, head_office)
        elif step == "adoption":
            if (stage := next(stages[tenant], None)) is not None:
                days[tenant] += timedelta(days=draw(st.integers(min_value=0, max_value=90)))
                company.advance_adoption(tenant, stage, days[tenant])
        elif step == "refer":
            to_tenant = draw(st.sampled_from(NETWORK_SLUGS))
            if to_tenant != tenant:
                company.refer(draw(st.uuids()), tenant, to_tenant)
        elif company.referrals:
            company.end_referral(draw(st.sampled_from(sorted(company.referrals))))
    return company


@settings(max_examples=50)
@given(company_histories())
def test_replaying_a_companys_stored_events_reproduces_it_exactly(company: Company) -> None:
    companies = Companies(env=MEMORY, networks=NETWORKS)
    companies.save(company)

    replayed: Company = companies.repository.get(company.id)

    assert vars(replayed) == vars(company)
