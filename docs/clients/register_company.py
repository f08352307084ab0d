"""A mutation with an idempotency key, then a read that waits for it with its consistency token.

    OSEZIA_API=… OSEZIA_CLIENT_ID=… OSEZIA_CLIENT_SECRET=… python register_company.py SIREN NAME

The idempotency key makes the mutation safe to send again: after a timeout, or a lost answer,
the same key gets the first outcome back instead of a second registration. Derive it from what
the request is (here, the SIREN), never from the clock.

A mutation answers `Done` with `consistencyToken`, the position of its events in the log. The
read models follow the log within moments; a query sent with `X-Consistency-Token` is answered
once they include that write, so the company just registered is found at once. A refusal is a
`Problem` with a stable `code` and a message for a person.
"""

from __future__ import annotations

import sys
from typing import Any

from osezia_client import Osezia

REGISTER = """
mutation Register($input: RegisterCompanyInput!, $key: String) {
  registerCompany(input: $input, idempotencyKey: $key) {
    __typename
    ... on Done { id consistencyToken }
    ... on Problem { code message }
  }
}
"""

COMPANY = """
query Company($siren: String!) {
  company(siren: $siren) { id siren legalName region segment }
}
"""


def register(osezia: Osezia, siren: str, name: str) -> dict[str, Any]:
    company = {
        "siren": siren,
        "legalName": name,
        "region": "27",
        "departement": "39",
        "naf": "1051c",
        "size": {"headcountUta": "23.5", "turnoverCents": 640_000_000},
    }
    key = f"register-company-{siren}"
    outcome: dict[str, Any] = osezia.query(REGISTER, {"input": company, "key": key})[
        "registerCompany"
    ]
    return outcome


def main(siren: str, name: str) -> None:
    with Osezia.from_environment() as osezia:
        first = register(osezia, siren, name)
        again = register(osezia, siren, name)  # the same key: the same outcome, nothing new
        if first["__typename"] == "Problem":
            print(f"refused: {first['code']}: {first['message']}")
            return
        found = osezia.query(COMPANY, {"siren": siren}, consistency_token=first["consistencyToken"])
    print(f"registered {siren} as {first['id']} (sent twice, same answer: {first == again})")
    print(f"read back: {found['company']['legalName']}, segment {found['company']['segment']}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
