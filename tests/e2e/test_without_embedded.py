"""Where the embedded PostgreSQL is not installed (the production image), a command without
DATABASE_URL says what to do, in one line, instead of failing on an import."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.e2e.conftest import OSEZIA, command_env


def test_without_the_embedded_postgresql_a_command_asks_for_database_url(tmp_path: Path) -> None:
    # A `pgserver` that cannot be imported, first on the path: as if the wheel were absent.
    absent = tmp_path / "pgserver"
    absent.mkdir()
    (absent / "__init__.py").write_text('raise ImportError("No module named pgserver")\n')
    env = command_env(PYTHONPATH=str(tmp_path), OSEZIA_ENV="development")

    result = subprocess.run(
        [*OSEZIA, "tenants", "list"], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "DATABASE_URL" in result.stderr
    assert "osezia[embedded]" in result.stderr
