"""Every decision made through `osezia serve` or the `osezia` command records who made it and
through which network, and `osezia decisions ID` lists them for the platform's operator."""

from __future__ import annotations

import base64
import getpass
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from joserfc import jwt

from osezia.domain.budget.model import Envelope
from osezia.domain.trainings.file import COLUMNS, enrolment_key
from osezia.tenants.clients.model import Client
from osezia.tenants.model import Tenant
from tests.e2e.conftest import (
    OSEZIA,
    Provider,
    command_env,
    free_port,
    migrated,
    request_token,
    serving,
)

OUTCOME = "{ __typename ... on Done { id consistencyToken } ... on Problem { code message } }"
DECISIONS = "query ($id: ID!) { decisions(id: $id) { version event network actor actorKind } }"
OPEN_BUDGET = "mutation { openBudget " + OUTCOME + " }"
COMMIT = (
    'mutation { commitFunds(measure: DIAGNOSTICS, amountCents: 250000, reference: "BPI-2026-7",'
    ' on: "2026-03-02") ' + OUTCOME + " }"
)
REGISTER = (
    "mutation ($input: RegisterCompanyInput!) { registerCompany(input: $input) " + OUTCOME + " }"
)
SUBJECT = "9d1e7c1a-4b3f-4f0e-a6a4-2c5b7f10e001"  # the provider's `sub` of one person


@dataclass(frozen=True)
class Api:
    url: str
    env: dict[str, str]  # what the `osezia` command needs to act on the same database


@pytest.fixture(scope="module")
def api(
    database_url: str, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    migrated(database_url)
    port = free_port()
    with serving(
        database_url,
        tmp_path_factory.mktemp("decisions") / "serve.log",
        port=port,
        OSEZIA_PUBLIC_URL=f"http://127.0.0.1:{port}",
        OSEZIA_OIDC_ISSUER=provider.issuer,
        OSEZIA_OIDC_JWKS_URL=provider.jwks_url,
        OSEZIA_DEV_TENANT_HEADER="1",
    ) as base_url:
        yield Api(base_url, command_env(DATABASE_URL=database_url))


def osezia(api: Api, *arguments: str, status: int = 0) -> str:
    """Run the `osezia` command as the operator would; its standard output."""
    done = subprocess.run([*OSEZIA, *arguments], env=api.env, capture_output=True, text=True)
    assert done.returncode == status, done.stderr
    return done.stdout


def decisions(api: Api, record_id: UUID | str, *options: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(
        osezia(api, "decisions", str(record_id), "--json", *options)
    )
    return listed


def new_client(api: Api, tenant: str, role: str) -> str:
    """A client made with `osezia clients create`; an access token of it."""
    printed = osezia(api, "clients", "create", tenant, "--role", role, "--name", "decisions e2e")
    fields = dict(line.split(":", 1) for line in printed.splitlines() if ":" in line)
    answer = request_token(api.url, fields["client_id"].strip(), fields["client_secret"].strip())
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def client_id_of(token: str) -> str:
    """The access token's client, read from its claims (the server verified them)."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["client_id"])


def mutate(api: Api, token: str, document: str, **variables: Any) -> dict[str, Any]:
    answer = httpx.post(
        f"{api.url}/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    (outcome,) = body["data"].values()
    assert outcome["__typename"] == "Done", outcome
    result: dict[str, Any] = outcome
    return result


def query(api: Api, token: str, record_id: object, consistency: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{api.url}/graphql",
        json={"query": DECISIONS, "variables": {"id": str(record_id)}},
        headers={"Authorization": f"Bearer {token}", "X-Consistency-Token": consistency},
        timeout=30,
    )
    body: dict[str, Any] = answer.json()
    return body


def person_token(provider: Provider, tenant: str, role: str) -> str:
    issued = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": "osezia-api",
        "sub": SUBJECT,
        "iat": issued,
        "exp": issued + 300,
        "osezia_tenant": tenant,
        "osezia_roles": [role],
    }
    key = provider.key
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key, algorithms=["RS256"])


def company(siren: str) -> dict[str, Any]:
    return {
        "siren": siren,
        "legalName": "Verrerie de Biot",
        "region": "93",
        "departement": "06",
        "naf": "23.13Z",
        "size": {"headcountUta": "12"},
    }


@pytest.fixture(scope="module")
def budget(api: Api) -> dict[str, str]:
    """The operator's client opened the budget, and a Bpifrance client committed funds from it:
    the networks' client ids, and the consistency token of the commitment."""
    operator = new_client(api, "operator", "admin")
    bpifrance = new_client(api, "bpifrance", "manager")
    mutate(api, operator, OPEN_BUDGET)
    committed = mutate(api, bpifrance, COMMIT)
    return {
        "operator": client_id_of(operator),
        "bpifrance": client_id_of(bpifrance),
        "token": committed["consistencyToken"],
    }


def test_the_budget_s_decisions_say_which_client_of_which_network_committed_the_money(
    api: Api, budget: dict[str, str]
) -> None:
    # Other tests commit funds too (a guarantee's provision): the first two are the fixture's.
    opened, committed = decisions(api, Envelope.create_id())[:2]

    assert (opened["event"], opened["network"], opened["kind"]) == (
        "Envelope.Opened",
        "operator",
        "client",
    )
    assert opened["actor"] == budget["operator"]
    assert committed["event"] == "Envelope.FundsCommitted"
    assert (committed["network"], committed["actor"]) == ("bpifrance", budget["bpifrance"])
    assert committed["details"]["reference"] == "BPI-2026-7"
    assert committed["details"]["amount_cents"] == 250000


def test_the_decisions_of_one_network_and_as_text(api: Api, budget: dict[str, str]) -> None:
    record = Envelope.create_id()

    only_bpifrance = decisions(api, record, "--tenant", "bpifrance")
    only_cci = decisions(api, record, "--tenant", "cci")
    as_text = osezia(api, "decisions", str(record))

    assert only_bpifrance
    assert {(d["event"], d["network"]) for d in only_bpifrance} == {
        ("Envelope.FundsCommitted", "bpifrance")
    }
    assert only_cci == []
    assert f"Envelope.FundsCommitted  via bpifrance  by client:{budget['bpifrance']}" in as_text
    assert "reference=BPI-2026-7" in as_text


def test_who_granted_a_guarantee_is_who_committed_its_provision_on_the_budget(
    api: Api, budget: dict[str, str]
) -> None:
    manager = new_client(api, "bpifrance", "manager")
    company_id = mutate(api, manager, REGISTER, input=company("443061841"))["id"]
    loan_id = mutate(
        api,
        manager,
        "mutation ($company: ID!) { applyForLoan(companyId: $company, amountCents: 20000000, "
        'termMonths: 36, purpose: "Vision par ordinateur", on: "2026-02-02") ' + OUTCOME + " }",
        company=company_id,
    )["id"]

    mutate(
        api,
        manager,
        'mutation ($loan: ID!) { grantGuarantee(loanId: $loan, on: "2026-02-09") ' + OUTCOME + " }",
        loan=loan_id,
    )

    granted = [d for d in decisions(api, loan_id) if d["event"] == "Loan.GuaranteeGranted"]
    provision = [
        d
        for d in decisions(api, Envelope.create_id())
        if d["details"].get("reference") == f"LOAN-{loan_id}"
    ]
    assert [(d["actor"], d["network"]) for d in granted] == [(client_id_of(manager), "bpifrance")]
    assert [(d["event"], d["actor"]) for d in provision] == [
        ("Envelope.FundsCommitted", client_id_of(manager))
    ]
    assert provision[0]["details"]["measure"] == "GUARANTEE_FUND"


def test_a_person_is_recorded_by_the_identity_provider_s_subject_and_nothing_more(
    api: Api, provider: Provider
) -> None:
    token = person_token(provider, "cci", "officer")

    registered = mutate(api, token, REGISTER, input=company("552100554"))

    listed = decisions(api, registered["id"])
    assert listed[0]["event"] == "Company.Registered"
    assert {(d["actor"], d["network"], d["kind"]) for d in listed} == {(SUBJECT, "cci", "person")}
    meta = _stored_meta(api, UUID(registered["id"]))
    assert meta == {"actor": SUBJECT, "via": "cci", "kind": "person"}


def test_a_developer_s_tenant_header_is_recorded_as_the_development_actor(api: Api) -> None:
    answer = httpx.post(
        f"{api.url}/graphql",
        json={"query": REGISTER, "variables": {"input": company("732829320")}},
        headers={"x-osezia-tenant": "cci"},
        timeout=30,
    )
    registered = answer.json()["data"]["registerCompany"]
    assert registered["__typename"] == "Done", registered

    listed = decisions(api, registered["id"])

    assert {(d["actor"], d["network"], d["kind"]) for d in listed} == {
        ("dev:cci", "cci", "developer")
    }


def test_a_command_of_the_osezia_command_records_the_operating_system_s_user(api: Api) -> None:
    osezia(api, "tenants", "add", "ccilyon", "--name", "CCI Lyon", "--region", "84")
    token = new_client(api, "ccilyon", "officer")

    (registered,) = decisions(api, Tenant.create_id("ccilyon"))
    (created,) = decisions(api, Client.create_id(client_id_of(token)))

    user = getpass.getuser()
    assert (registered["actor"], registered["network"], registered["kind"]) == (
        user,
        "operator",
        "cli",
    )
    assert (created["actor"], created["kind"]) == (user, "cli")
    assert not any("secret" in key for key in created["details"])


def test_an_import_records_the_operator_s_user_for_the_network_it_imports_for(
    api: Api, tmp_path: Path
) -> None:
    trainings = tmp_path / "trainings.csv"
    trainings.write_text(
        ",".join(COLUMNS) + "\n"
        "LRN-4721,EMPLOYEE,IA-101,L'IA au travail,53,,2026-01-05,2026-02-02\n",
        encoding="utf-8",
    )

    osezia(api, "tenants", "add", "academie", "--name", "Académie de l'IA", "--like", "operator")

    osezia(api, "import", "trainings", str(trainings), "--tenant", "academie")

    enrolment = UUID(bytes=enrolment_key("academie", "LRN-4721", "IA-101"))
    listed = decisions(api, enrolment)
    assert [d["event"] for d in listed] == ["Enrolment.Enrolled", "Enrolment.Completed"]
    assert {(d["actor"], d["network"], d["kind"]) for d in listed} == {
        (getpass.getuser(), "academie", "cli")
    }


def test_an_id_the_log_does_not_hold_is_not_found(api: Api) -> None:
    missing = osezia(api, "decisions", "5b0c4f1e-0000-4000-8000-000000000000", status=2)
    malformed = osezia(api, "decisions", "budget", status=2)

    assert missing == malformed == ""


def _stored_meta(api: Api, record_id: UUID) -> dict[str, Any]:
    """The reserved key of the record's first event, as the log stores it."""
    import psycopg

    with psycopg.connect(api.env["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT state FROM osezia_events WHERE originator_id = %s AND originator_version = 1",
            (record_id,),
        ).fetchone()
    assert row is not None
    meta: dict[str, Any] = json.loads(bytes(row[0]))["_meta"]
    return meta


def test_the_decisions_query_lists_the_network_s_own_decisions_and_every_one_for_the_operator(
    api: Api, budget: dict[str, str]
) -> None:
    record, token = Envelope.create_id(), budget["token"]

    as_bpifrance = query(api, new_client(api, "bpifrance", "admin"), record, token)
    as_operator = query(api, new_client(api, "operator", "admin"), record, token)

    # Other tests commit funds too (a guarantee's provision): the first two are the fixture's.
    seen_by_bpifrance = as_bpifrance["data"]["decisions"]
    assert seen_by_bpifrance[0] == {
        "version": 2,
        "event": "Envelope.FundsCommitted",
        "network": "bpifrance",
        "actor": budget["bpifrance"],
        "actorKind": "client",
    }
    assert {d["network"] for d in seen_by_bpifrance} == {"bpifrance"}
    listed = as_operator["data"]["decisions"]
    assert [(d["network"], d["actor"]) for d in listed[:2]] == [
        ("operator", budget["operator"]),
        ("bpifrance", budget["bpifrance"]),
    ]


def test_the_decisions_query_needs_the_admin_scope_and_a_record_the_network_sees(
    api: Api, provider: Provider, budget: dict[str, str]
) -> None:
    registered = mutate(
        api, person_token(provider, "cci", "officer"), REGISTER, input=company("356000000")
    )
    token = registered["consistencyToken"]

    officer = query(api, new_client(api, "bpifrance", "officer"), Envelope.create_id(), token)
    foreign = query(api, new_client(api, "inria", "admin"), registered["id"], token)
    own = query(api, new_client(api, "cci", "admin"), registered["id"], token)

    assert officer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert {d["actor"] for d in own["data"]["decisions"]} == {SUBJECT}
