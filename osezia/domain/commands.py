"""Every command's name, said once: the application saves it with an idempotency receipt, a
tenant's profile grants it (``osezia.tenants.profiles``) and a mutation runs it
(``osezia.graphql.commands.run_command``).

The values are stored (profiles in the tenants' events, receipts in the log): a member may be
renamed, its value never.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class Command(StrEnum):
    """A command a network's profile may grant, by the name profiles and receipts hold."""

    REGISTER_COMPANY = "register_company"
    REASSESS_SIZE = "reassess_size"
    ADD_ESTABLISHMENT = "add_establishment"
    ADVANCE_ADOPTION = "advance_adoption"
    RECORD_LEGAL_CATEGORY = "record_legal_category"
    SHARE_COMPANY = "share_company"
    REVOKE_REFERRAL = "revoke_referral"
    REQUEST_DIAGNOSTIC = "request_diagnostic"
    CHECK_ELIGIBILITY = "check_eligibility"
    ASSIGN_EXPERT = "assign_expert"
    LOG_EXPERT_DAYS = "log_expert_days"
    DELIVER_INVENTORY = "deliver_inventory"
    IDENTIFY_USE_CASES = "identify_use_cases"
    PRIORITISE_USE_CASES = "prioritise_use_cases"
    DELIVER_REPORT = "deliver_report"
    CANCEL_DIAGNOSTIC = "cancel_diagnostic"
    PAY_COFINANCING = "pay_cofinancing"
    APPOINT_AMBASSADOR = "appoint_ambassador"
    RECORD_INTERVENTION = "record_intervention"
    WITHDRAW_AMBASSADOR = "withdraw_ambassador"
    SCHEDULE_EVENT = "schedule_event"
    REGISTER_TO_EVENT = "register_to_event"
    BOOK_MEETING = "book_meeting"
    RECORD_ATTENDANCE = "record_attendance"
    HOLD_EVENT = "hold_event"
    CANCEL_EVENT = "cancel_event"
    PROPOSE_PARTNERSHIP = "propose_partnership"
    SIGN_PARTNERSHIP = "sign_partnership"
    START_PARTNERSHIP = "start_partnership"
    COMPLETE_PARTNERSHIP = "complete_partnership"
    ABANDON_PARTNERSHIP = "abandon_partnership"
    ENROL_LEARNER = "enrol_learner"
    COMPLETE_TRAINING = "complete_training"
    IMPORT_TRAININGS = "import_trainings"
    APPLY_FOR_LOAN = "apply_for_loan"
    GRANT_GUARANTEE = "grant_guarantee"
    REFUSE_GUARANTEE = "refuse_guarantee"
    DISBURSE_LOAN = "disburse_loan"
    OPEN_COHORT = "open_cohort"
    ADMIT_TO_COHORT = "admit_to_cohort"
    RECORD_MILESTONE = "record_milestone"
    GRADUATE_FROM_COHORT = "graduate_from_cohort"
    EXIT_COHORT = "exit_cohort"
    OPEN_CALL = "open_call"
    SUBMIT_APPLICATION = "submit_application"
    SELECT_APPLICATION = "select_application"
    REJECT_APPLICATION = "reject_application"
    EVALUATE_GATE = "evaluate_gate"
    AWARD_PHASE = "award_phase"
    LIST_PROVIDER = "list_provider"
    LIST_SOLUTION = "list_solution"
    WITHDRAW_SOLUTION = "withdraw_solution"
    RECORD_ADOPTION = "record_adoption"
    OPEN_BUDGET = "open_budget"
    COMMIT_FUNDS = "commit_funds"
    PAY_FUNDS = "pay_funds"
    AUTHORISE_OVERRUN = "authorise_overrun"
    RECORD_SURVEY_MEASUREMENT = "record_survey_measurement"
    MANAGE_TENANTS = "manage_tenants"
    EXPORT_PERSON = "export_person"
    ERASE_PERSON = "erase_person"
    CORRECT_AMBASSADOR_NAME = "correct_ambassador_name"
    CORRECT_DIAGNOSTIC_EXPERT = "correct_diagnostic_expert"
    CORRECT_COMPANY_NAME = "correct_company_name"


@unique
class Receipt(StrEnum):
    """Names idempotency receipts hold for commands run under another granted name: registering
    a company or a provider to an event (granted as ``register_to_event``) has always been
    received under these."""

    REGISTER_COMPANY_TO_EVENT = "register_company"
    REGISTER_PROVIDER_TO_EVENT = "register_provider"


# Commands no mutation runs: the operator runs them on the server (`osezia tenants`, `osezia
# import trainings`), for a network whose profile grants them.
BY_THE_OPERATOR = frozenset({Command.IMPORT_TRAININGS, Command.MANAGE_TENANTS})
