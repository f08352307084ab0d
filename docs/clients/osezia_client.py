"""A small client of osezia's GraphQL API, with httpx: what a partner's script needs.

- An access token from /oauth/token (OAuth client credentials: the client id and secret an
  operator created with `osezia clients create`), asked again shortly before it expires.
- Each document sent by its SHA-256 first (Apollo's Automatic Persisted Queries): the server
  answers `PersistedQueryNotFound` the first time, and the client sends the text with the hash;
  then the hash is enough. Where the server runs registered documents only, they are the ones
  an operator registered (`osezia documents add`).
- A request over the client's budget is answered 429 `RATE_LIMITED` with `Retry-After`: the
  client waits that long and sends it again.
- A consistency token (the `consistencyToken` a mutation returns), when given, is sent as
  `X-Consistency-Token`: the answer then reflects that write.

Settings come from the environment: OSEZIA_API (such as https://osezia.example.gouv.fr),
OSEZIA_CLIENT_ID and OSEZIA_CLIENT_SECRET.
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any

import httpx

MAX_WAITS = 3  # times a rate-limited request is sent again


class OseziaError(Exception):
    """The API answered with errors: each has a message and `extensions.code`."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(
            "; ".join(f"{e.get('extensions', {}).get('code')}: {e['message']}" for e in errors)
        )
        self.errors = errors

    @property
    def codes(self) -> list[str]:
        return [str(e.get("extensions", {}).get("code")) for e in self.errors]


class Osezia:
    def __init__(self, api: str, client_id: str, client_secret: str, timeout: float = 30.0):
        self.api = api.rstrip("/")
        self._credentials = (client_id, client_secret)
        self._http = httpx.Client(timeout=timeout)
        self._token, self._renew_at = "", 0.0

    @classmethod
    def from_environment(cls) -> Osezia:
        env = os.environ
        return cls(env["OSEZIA_API"], env["OSEZIA_CLIENT_ID"], env["OSEZIA_CLIENT_SECRET"])

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Osezia:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def token(self) -> str:
        """An access token, asked for again a minute before the last one expires."""
        if time.monotonic() >= self._renew_at:
            answer = self._http.post(
                f"{self.api}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=self._credentials,
            )
            answer.raise_for_status()
            granted = answer.json()
            self._token = granted["access_token"]
            self._renew_at = time.monotonic() + max(0, int(granted["expires_in"]) - 60)
        return self._token

    def query(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        consistency_token: str | None = None,
    ) -> dict[str, Any]:
        """The data of a query or mutation; raises OseziaError when the API answers errors."""
        persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha256(document)}}
        body: dict[str, Any] = {"variables": variables or {}, "extensions": persisted}
        headers = {"X-Consistency-Token": consistency_token} if consistency_token else {}
        answer = self._send(body, headers)
        if _codes(answer) == ["PERSISTED_QUERY_NOT_FOUND"]:
            answer = self._send({**body, "query": document}, headers)
        if answer.get("errors"):
            raise OseziaError(answer["errors"])
        data: dict[str, Any] = answer["data"]
        return data

    def _send(self, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        for _ in range(MAX_WAITS):
            response = self._http.post(
                f"{self.api}/graphql",
                json=body,
                headers={"Authorization": f"Bearer {self.token()}", **headers},
            )
            if response.status_code != 429:
                break
            time.sleep(int(response.headers["Retry-After"]))  # over budget: wait, send again
        answer: dict[str, Any] = response.json()
        return answer


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def _codes(answer: dict[str, Any]) -> list[str]:
    return [str(e.get("extensions", {}).get("code")) for e in answer.get("errors") or []]
