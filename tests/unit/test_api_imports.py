"""An API process loads no library it does not use: alembic and sqlalchemy run migrations, httpx
fetches an OpenID provider's keys, redis and arq serve only with REDIS_URL. Imported anyway,
they weighed 45 MB of every API process before its first request."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

UNUSED = ("alembic", "sqlalchemy", "httpx", "redis", "arq", "rich", "click")


def loaded_by(module: str) -> list[str]:
    """The libraries of UNUSED that importing `module` loads, in a fresh interpreter."""
    probe = (
        f"import json, sys, {module}; "
        f"print(json.dumps(sorted(m for m in {UNUSED!r} if m in sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(run.stdout)
    return loaded


@pytest.mark.parametrize(
    "module",
    [
        "osezia.store.revisions",  # what the API reads of its migrations
        "osezia.web.auth.authority",  # with its provider's keys (osezia.web.auth.oidc)
        "osezia.web.auth.ratelimit",
    ],
)
def test_what_the_api_imports_of_these_loads_none_of_the_libraries_it_may_not_use(
    module: str,
) -> None:
    assert loaded_by(module) == []


def test_the_projector_the_api_runs_loads_no_queue() -> None:
    assert "arq" not in loaded_by("osezia.workers.projector")


@pytest.mark.parametrize("module", ["osezia.web.processes", "osezia.cli.serve"])
def test_an_api_process_loads_none_of_the_libraries_it_may_not_use(module: str) -> None:
    """`osezia serve --workers N` builds each process from osezia.web.processes; `osezia serve`
    runs the API in the command's own process."""
    assert loaded_by(f"osezia.cli, {module}") == []
