"""Calls for projects: opened from a template or in full, applied to within their dates, and
followed through selection and Pionniers de l'IA's gated phases."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from osezia.domain.calendar import date_in_france, today_in_france
from osezia.domain.calls.application import Calls
from osezia.domain.calls.model import CallKind, Phase
from osezia.domain.calls.submissions import CallApplication
from osezia.domain.calls.templates import (
    IA_GENERATIVE,
    PIONNIERS_IA,
    CallTemplate,
    CallTemplates,
)
from osezia.domain.companies.application import Companies
from osezia.domain.errors import (
    AlreadyApplied,
    AlreadyExists,
    AmountOutOfRange,
    DomainError,
    GateNotPassed,
    InvalidAmount,
    InvalidDate,
    InvalidSiren,
    InvalidTransition,
    InvalidValue,
    NotContractor,
    NotFound,
)
from osezia.domain.sizes import SizeFacts
from tests.unit.conftest import MEMORY

OPENS, CLOSES = date(2025, 9, 18), date(2026, 3, 31)
TODAY = date(2025, 11, 3)
K = 100_000  # one thousand euros, in cents


@pytest.fixture
def calls(companies: Companies) -> Calls:
    return Calls(env=MEMORY, share_with=companies, today=lambda: TODAY)


@pytest.fixture
def company(companies: Companies) -> UUID:
    return companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="52",
        departement="44",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )


@pytest.fixture
def pionniers(calls: Calls) -> UUID:
    return calls.open_call("operator", code=PIONNIERS_IA, opens_on=OPENS, closes_on=CLOSES)


@pytest.fixture
def application(calls: Calls, pionniers: UUID, company: UUID) -> UUID:
    return calls.submit_application(
        "cci", call_id=pionniers, company_id=company, project_title="Cobotique agentique"
    )


def log_position(calls: Calls) -> int:
    return calls.recorder.max_notification_id() or 0


def selected(calls: Calls, application: UUID) -> UUID:
    calls.select_application("inria", application)
    return application


def through_phase_1(calls: Calls, application: UUID) -> UUID:
    selected(calls, application)
    calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)
    calls.evaluate_gate("inria", application, phase=1, passed=True, on=TODAY, comment="ok")
    return application


# Opening calls


def test_pionniers_opens_from_its_template_with_three_gated_phases(
    calls: Calls, pionniers: UUID
) -> None:
    call = calls.get_call(pionniers)

    assert call.title == "Pionniers de l'intelligence artificielle"
    assert call.kind is CallKind.GATED
    assert [(p.min_cents, p.max_cents, p.min_months, p.max_months) for p in call.phases] == [
        (100 * K, 200 * K, 6, 12),
        (400 * K, 800 * K, 6, 18),
        (3000 * K, 8000 * K, 12, 36),
    ]
    assert [p.contractor for p in call.phases] == ["inria", "bpifrance", "bpifrance"]
    assert call.selection_target is None


def test_the_generative_ai_call_has_one_phase_and_a_selection_target(calls: Calls) -> None:
    call_id = calls.open_call(
        "bpifrance", code="IAG-2024", template=IA_GENERATIVE, opens_on=OPENS, closes_on=CLOSES
    )

    call = calls.get_call(call_id)
    assert call.code == "IAG-2024"
    assert call.kind is CallKind.SELECTIVE
    assert [p.contractor for p in call.phases] == ["bpifrance"]
    assert call.selection_target == 10


def test_a_template_is_configuration(companies: Companies) -> None:
    template = CallTemplates().templates[IA_GENERATIVE]
    changed = CallTemplates({IA_GENERATIVE: replace(template, selection_target=12)})
    calls = Calls(env=MEMORY, share_with=companies, templates=changed)

    call_id = calls.open_call("bpifrance", code=IA_GENERATIVE, opens_on=OPENS, closes_on=CLOSES)

    assert calls.get_call(call_id).selection_target == 12


def test_a_call_without_template_is_opened_with_its_own_phases(calls: Calls) -> None:
    phases = [Phase(1, " Étude ", 10 * K, 20 * K, 1, 3, "bpifrance")]

    call_id = calls.open_call(
        "bpifrance",
        code="ETUDE",
        title="Études",
        kind="SELECTIVE",
        phases=phases,
        opens_on=OPENS,
        closes_on=CLOSES,
        selection_target=3,
    )

    call = calls.get_call(call_id)
    assert call.phases == (Phase(1, "Étude", 10 * K, 20 * K, 1, 3, "bpifrance"),)
    assert call.selection_target == 3


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"template": "UNKNOWN"}, InvalidValue),
        ({"code": "NOPE"}, InvalidValue),  # no template of that name, and no kind given
        ({"closes_on": date(2025, 9, 17)}, InvalidDate),
        ({"selection_target": 0}, InvalidValue),
        ({"kind": "LOTTERY"}, InvalidValue),
        ({"phases": []}, InvalidValue),
        ({"phases": [Phase(2, "Deux", 1, 2, 1, 2, "inria")]}, InvalidValue),
        ({"phases": [Phase(1, "Un", 0, 2, 1, 2, "inria")]}, InvalidAmount),
        ({"phases": [Phase(1, "Un", 3, 2, 1, 2, "inria")]}, InvalidAmount),
        ({"phases": [Phase(1, "Un", 1, 2, 0, 2, "inria")]}, InvalidValue),
        ({"phases": [Phase(1, "Un", 1, 2, 3, 2, "inria")]}, InvalidValue),
        ({"phases": [Phase(1, "Un", 1, 2, 1, 2, " ")]}, InvalidValue),
        ({"title": " "}, InvalidValue),
    ],
)
def test_a_call_with_invalid_values_is_not_opened(
    calls: Calls, changes: dict[str, object], error: type[DomainError]
) -> None:
    arguments: dict[str, object] = {
        "code": PIONNIERS_IA,
        "opens_on": OPENS,
        "closes_on": CLOSES,
        **changes,
    }

    with pytest.raises(error):
        calls.open_call("operator", **arguments)  # type: ignore[arg-type]
    assert log_position(calls) == 0


def test_a_call_is_opened_once_per_code(calls: Calls, pionniers: UUID) -> None:
    before = log_position(calls)

    with pytest.raises(AlreadyExists):
        calls.open_call("bpifrance", code=PIONNIERS_IA, opens_on=OPENS, closes_on=CLOSES)
    assert log_position(calls) == before


# Applications


def test_an_application_copies_its_calls_phases_and_the_companys_identity(
    calls: Calls, application: UUID, company: UUID
) -> None:
    found = calls.get_application("cci", application)

    assert found.call_code == PIONNIERS_IA
    assert found.company_id == company
    assert (found.company_siren, found.region) == ("542107651", "52")
    assert found.phases == calls.get_call(found.call_id).phases
    assert found.status == "SUBMITTED"
    assert found.submitted_on == TODAY


def test_consortium_members_are_checked_sirens_kept_once(
    calls: Calls, pionniers: UUID, company: UUID
) -> None:
    application = calls.submit_application(
        "cci",
        call_id=pionniers,
        company_id=company,
        project_title="Robots",
        consortium_sirens=["732 829 320", "732829320", "552100018"],
    )

    assert calls.get_application("cci", application).consortium_sirens == [
        "732829320",
        "552100018",
    ]


def test_a_consortium_member_needs_a_valid_siren(
    calls: Calls, pionniers: UUID, company: UUID
) -> None:
    with pytest.raises(InvalidSiren):
        calls.submit_application(
            "cci",
            call_id=pionniers,
            company_id=company,
            project_title="Robots",
            consortium_sirens=["123456789"],
        )


@pytest.mark.parametrize("today", [date(2025, 9, 17), date(2026, 4, 1)])
def test_an_application_is_submitted_only_while_the_call_is_open(
    companies: Companies, company: UUID, today: date
) -> None:
    calls = Calls(env=MEMORY, share_with=companies, today=lambda: today)
    call_id = calls.open_call("operator", code=PIONNIERS_IA, opens_on=OPENS, closes_on=CLOSES)

    with pytest.raises(InvalidDate):
        calls.submit_application("cci", call_id=call_id, company_id=company, project_title="x")


@pytest.mark.parametrize("today", [OPENS, CLOSES])
def test_the_calls_first_and_last_days_take_applications(
    companies: Companies, company: UUID, today: date
) -> None:
    calls = Calls(env=MEMORY, share_with=companies, today=lambda: today)
    call_id = calls.open_call("operator", code=PIONNIERS_IA, opens_on=OPENS, closes_on=CLOSES)

    calls.submit_application("cci", call_id=call_id, company_id=company, project_title="x")


def test_a_call_takes_no_application_once_its_last_day_has_ended_in_france(
    companies: Companies, company: UUID
) -> None:
    # 22:30 UTC on the last day is already 00:30 the next day in Paris (summer time, UTC+2).
    after_midnight_in_paris = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    calls = Calls(
        env=MEMORY, share_with=companies, today=lambda: date_in_france(after_midnight_in_paris)
    )
    call_id = calls.open_call("operator", code=PIONNIERS_IA, opens_on=OPENS, closes_on=CLOSES)

    with pytest.raises(InvalidDate):
        calls.submit_application("cci", call_id=call_id, company_id=company, project_title="x")


@pytest.mark.parametrize("network", ["cci", "french-tech"])
def test_a_company_applies_once_per_call_whichever_network_sends_the_second_application(
    calls: Calls,
    companies: Companies,
    pionniers: UUID,
    company: UUID,
    application: UUID,
    network: str,
) -> None:
    if network == "french-tech":  # La French Tech follows the company CCI registered
        companies.register_company(
            network,
            siren="542107651",
            legal_name="Robotique de l'Ouest",
            region="52",
            departement="44",
            naf="28.99B",
            size=SizeFacts(headcount_uta=Decimal(120)),
        )
    before = log_position(calls)

    with pytest.raises(AlreadyApplied):
        calls.submit_application(
            network, call_id=pionniers, company_id=company, project_title="Encore"
        )

    assert log_position(calls) == before


def test_a_company_may_apply_to_another_call(
    calls: Calls, pionniers: UUID, company: UUID, application: UUID
) -> None:
    other = calls.open_call("bpifrance", code=IA_GENERATIVE, opens_on=OPENS, closes_on=CLOSES)

    assert calls.submit_application(
        "cci", call_id=other, company_id=company, project_title="Assistant"
    ) not in {application}


def test_an_application_needs_a_known_call_and_company(
    calls: Calls, pionniers: UUID, company: UUID
) -> None:
    with pytest.raises(NotFound):
        calls.submit_application("cci", call_id=uuid4(), company_id=company, project_title="x")
    with pytest.raises(NotFound):
        calls.submit_application("cci", call_id=pionniers, company_id=uuid4(), project_title="x")
    with pytest.raises(InvalidValue):
        calls.submit_application("cci", call_id=pionniers, company_id=company, project_title=" ")


# Selection


@pytest.mark.parametrize("decider", ["inria", "bpifrance"])
def test_either_contractor_of_pionniers_selects_an_application(
    calls: Calls, application: UUID, decider: str
) -> None:
    calls.select_application(decider, application)

    assert calls.get_application("cci", application).status == "SELECTED"


def test_a_rejected_application_keeps_its_reason_and_cannot_be_selected(
    calls: Calls, application: UUID
) -> None:
    calls.reject_application("bpifrance", application, reason="  hors  périmètre ")

    rejected = calls.get_application("cci", application)
    assert (rejected.status, rejected.reject_reason) == ("REJECTED", "hors périmètre")
    with pytest.raises(InvalidTransition):
        calls.select_application("inria", application)


def test_an_application_is_selected_once(calls: Calls, application: UUID) -> None:
    selected(calls, application)

    with pytest.raises(InvalidTransition):
        calls.select_application("bpifrance", application)
    with pytest.raises(InvalidTransition):
        calls.reject_application("bpifrance", application, reason="trop tard")


def test_the_submitting_network_does_not_decide_on_its_application(
    calls: Calls, application: UUID
) -> None:
    with pytest.raises(NotContractor):
        calls.select_application("cci", application)
    with pytest.raises(NotContractor):
        calls.reject_application("cci", application, reason="non")


def test_a_network_neither_owner_nor_contractor_does_not_find_the_application(
    calls: Calls, application: UUID
) -> None:
    before = log_position(calls)

    with pytest.raises(NotFound):
        calls.select_application("french-tech", application)
    with pytest.raises(NotFound):
        calls.get_application("french-tech", application)
    assert log_position(calls) == before


def test_inria_is_no_contractor_of_the_generative_ai_call(calls: Calls, company: UUID) -> None:
    call_id = calls.open_call("bpifrance", code=IA_GENERATIVE, opens_on=OPENS, closes_on=CLOSES)
    application = calls.submit_application(
        "cci", call_id=call_id, company_id=company, project_title="Assistant"
    )

    with pytest.raises(NotFound):
        calls.select_application("inria", application)
    calls.select_application("bpifrance", application)
    calls.award_phase("bpifrance", application, phase=1, amount_cents=500 * K, months=24, on=TODAY)
    assert calls.get_application("cci", application).status == "IN_PHASE_1"


# Gated phases


def test_phase_1_is_awarded_by_inria_after_selection(calls: Calls, application: UUID) -> None:
    selected(calls, application)

    calls.award_phase("inria", application, phase=1, amount_cents=100 * K, months=6, on=TODAY)

    found = calls.get_application("cci", application)
    assert found.status == "IN_PHASE_1"
    assert found.awarded_cents == 100 * K


def test_phase_1_is_not_awarded_before_selection(calls: Calls, application: UUID) -> None:
    with pytest.raises(GateNotPassed):
        calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)


def test_a_rejected_application_gets_no_phase(calls: Calls, application: UUID) -> None:
    calls.reject_application("inria", application, reason="non")

    with pytest.raises(GateNotPassed):
        calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)


def test_bpifrance_does_not_contract_phase_1(calls: Calls, application: UUID) -> None:
    selected(calls, application)

    with pytest.raises(NotContractor):
        calls.award_phase(
            "bpifrance", application, phase=1, amount_cents=150 * K, months=9, on=TODAY
        )


def test_inria_does_not_contract_phase_2(calls: Calls, application: UUID) -> None:
    through_phase_1(calls, application)

    with pytest.raises(NotContractor):
        calls.award_phase("inria", application, phase=2, amount_cents=500 * K, months=9, on=TODAY)


@pytest.mark.parametrize(
    ("amount", "months"),
    [(100 * K - 1, 9), (200 * K + 1, 9), (150 * K, 5), (150 * K, 13), (0, 9), (-150 * K, 9)],
)
def test_phase_1_amount_and_duration_stay_within_range(
    calls: Calls, application: UUID, amount: int, months: int
) -> None:
    selected(calls, application)
    before = log_position(calls)

    with pytest.raises(AmountOutOfRange):
        calls.award_phase(
            "inria", application, phase=1, amount_cents=amount, months=months, on=TODAY
        )
    assert log_position(calls) == before


@pytest.mark.parametrize(("amount", "months"), [(100 * K, 6), (200 * K, 12)])
def test_phase_1_range_bounds_are_allowed(
    calls: Calls, application: UUID, amount: int, months: int
) -> None:
    selected(calls, application)

    calls.award_phase("inria", application, phase=1, amount_cents=amount, months=months, on=TODAY)


def test_a_phase_is_awarded_once(calls: Calls, application: UUID) -> None:
    selected(calls, application)
    calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)

    with pytest.raises(InvalidTransition):
        calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)


def test_phase_2_waits_for_phase_1s_gate(calls: Calls, application: UUID) -> None:
    selected(calls, application)
    calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)

    with pytest.raises(GateNotPassed):
        calls.award_phase(
            "bpifrance", application, phase=2, amount_cents=500 * K, months=12, on=TODAY
        )


def test_phase_3_cannot_skip_phase_2(calls: Calls, application: UUID) -> None:
    through_phase_1(calls, application)

    with pytest.raises(GateNotPassed):
        calls.award_phase(
            "bpifrance", application, phase=3, amount_cents=5000 * K, months=24, on=TODAY
        )


def test_a_failed_gate_ends_the_project(calls: Calls, application: UUID) -> None:
    selected(calls, application)
    calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)

    calls.evaluate_gate("inria", application, phase=1, passed=False, on=TODAY, comment="non")

    assert calls.get_application("cci", application).status == "ENDED"
    with pytest.raises(GateNotPassed):
        calls.award_phase(
            "bpifrance", application, phase=2, amount_cents=500 * K, months=12, on=TODAY
        )


def test_passing_every_gate_completes_the_project(calls: Calls, application: UUID) -> None:
    through_phase_1(calls, application)
    assert calls.get_application("cci", application).status == "PHASE_1_PASSED"
    calls.award_phase("bpifrance", application, phase=2, amount_cents=800 * K, months=18, on=TODAY)
    calls.evaluate_gate("bpifrance", application, phase=2, passed=True, on=TODAY, comment="ok")
    calls.award_phase("bpifrance", application, phase=3, amount_cents=3000 * K, months=36, on=TODAY)
    assert calls.get_application("cci", application).status == "IN_PHASE_3"

    calls.evaluate_gate("bpifrance", application, phase=3, passed=True, on=TODAY, comment="ok")

    found = calls.get_application("cci", application)
    assert found.status == "COMPLETED"
    assert found.awarded_cents == (150 + 800 + 3000) * K


def test_a_gate_is_evaluated_once_and_only_for_an_awarded_phase(
    calls: Calls, application: UUID
) -> None:
    selected(calls, application)
    with pytest.raises(InvalidTransition):
        calls.evaluate_gate("inria", application, phase=1, passed=True, on=TODAY, comment="ok")
    calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)
    calls.evaluate_gate("inria", application, phase=1, passed=True, on=TODAY, comment="ok")

    with pytest.raises(InvalidTransition):
        calls.evaluate_gate("inria", application, phase=1, passed=False, on=TODAY, comment="ko")


def test_only_the_phases_contractor_evaluates_its_gate(calls: Calls, application: UUID) -> None:
    selected(calls, application)
    calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)

    with pytest.raises(NotContractor):
        calls.evaluate_gate("bpifrance", application, phase=1, passed=True, on=TODAY, comment="ok")


def test_a_gate_needs_a_comment(calls: Calls, application: UUID) -> None:
    selected(calls, application)
    calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)

    with pytest.raises(InvalidValue):
        calls.evaluate_gate("inria", application, phase=1, passed=True, on=TODAY, comment=" ")


def test_a_phase_the_call_does_not_have_is_refused(calls: Calls, application: UUID) -> None:
    selected(calls, application)

    with pytest.raises(InvalidValue):
        calls.award_phase("inria", application, phase=4, amount_cents=150 * K, months=9, on=TODAY)
    with pytest.raises(InvalidValue):
        calls.award_phase("inria", application, phase=0, amount_cents=150 * K, months=9, on=TODAY)


def test_dates_follow_each_other(calls: Calls, application: UUID) -> None:
    calls.today = lambda: date(2026, 10, 1)  # months after the submission
    selected(calls, application)
    with pytest.raises(InvalidDate):  # before the submission
        calls.award_phase(
            "inria", application, phase=1, amount_cents=150 * K, months=9, on=date(2025, 11, 2)
        )
    calls.award_phase("inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY)
    with pytest.raises(InvalidDate):  # before the award
        calls.evaluate_gate(
            "inria", application, phase=1, passed=True, on=date(2025, 11, 2), comment="ok"
        )
    calls.evaluate_gate(
        "inria", application, phase=1, passed=True, on=date(2026, 9, 1), comment="ok"
    )

    with pytest.raises(InvalidDate):  # before the previous gate
        calls.award_phase(
            "bpifrance", application, phase=2, amount_cents=500 * K, months=9, on=date(2026, 8, 31)
        )


def test_an_application_is_judged_by_the_phases_of_its_own_call(
    companies: Companies, company: UUID
) -> None:
    phases = (Phase(1, "Un", 1, 10 * K, 1, 2, "bpifrance"),)
    looser = CallTemplates({"LOOSE": CallTemplate("Souple", CallKind.GATED, phases)})
    calls = Calls(env=MEMORY, share_with=companies, templates=looser, today=lambda: TODAY)
    call_id = calls.open_call("bpifrance", code="LOOSE", opens_on=OPENS, closes_on=CLOSES)
    application = calls.submit_application(
        "cci", call_id=call_id, company_id=company, project_title="x"
    )
    calls.select_application("bpifrance", application)

    with pytest.raises(AmountOutOfRange):
        calls.award_phase(
            "bpifrance", application, phase=1, amount_cents=10 * K + 1, months=1, on=TODAY
        )
    calls.award_phase("bpifrance", application, phase=1, amount_cents=5 * K, months=1, on=TODAY)


def test_a_repeated_command_with_its_key_appends_nothing(calls: Calls, application: UUID) -> None:
    selected(calls, application)
    calls.award_phase(
        "inria",
        application,
        phase=1,
        amount_cents=150 * K,
        months=9,
        on=TODAY,
        idempotency_key="a1",
    )
    before = log_position(calls)

    calls.award_phase(
        "inria",
        application,
        phase=1,
        amount_cents=150 * K,
        months=9,
        on=TODAY,
        idempotency_key="a1",
    )

    assert log_position(calls) == before


def test_calls_count_days_in_france_unless_told_otherwise() -> None:
    assert Calls(env=MEMORY).today is today_in_france


def test_an_application_names_a_priority_sector_of_pionniers(
    calls: Calls, pionniers: UUID, company: UUID
) -> None:
    application = calls.submit_application(
        "cci",
        call_id=pionniers,
        company_id=company,
        project_title="Cobotique",
        priority_sector="INDUSTRY",
    )

    assert calls.get_application("cci", application).priority_sector == "INDUSTRY"


def test_a_sector_outside_the_priority_list_is_refused(
    calls: Calls, pionniers: UUID, company: UUID
) -> None:
    before = log_position(calls)

    with pytest.raises(InvalidValue, match="priority sector 'SPACE' must be one of INDUSTRY"):
        calls.submit_application(
            "cci", call_id=pionniers, company_id=company, project_title="x", priority_sector="SPACE"
        )

    assert log_position(calls) == before


def test_an_application_stored_before_sectors_reads_as_in_none(
    calls: Calls, application: UUID
) -> None:
    (stored,) = [
        s for s in calls.recorder.select_events(application) if s.topic.endswith(".Submitted")
    ]
    state = json.loads(stored.state)
    del state["priority_sector"]
    del state["class_version"]

    event = calls.mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))

    assert isinstance(event, CallApplication.Submitted)
    assert event.priority_sector is None
