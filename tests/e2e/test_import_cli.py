"""`osezia import trainings FILE.csv`: the analyst's view of an import, and its exit status."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import truncate_history
from tests.e2e.conftest import OSEZIA, command_env

HEADER = "learner_ref,audience,training_code,training_title,region,siren,enrolled_on,completed_on"


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    truncate_history(database_url)
    environment = command_env(DATABASE_URL=database_url)
    subprocess.run([*OSEZIA, "migrate"], env=environment, check=True, capture_output=True)
    return environment


def a_file(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "trainings.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def import_trainings(
    env: dict[str, str], path: str, *more: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OSEZIA, "import", "trainings", path, *more], env=env, capture_output=True, text=True
    )


def test_a_clean_file_is_imported_once_and_exits_0(env: dict[str, str], tmp_path: Path) -> None:
    path = a_file(
        tmp_path,
        "LRN-1,salarié,IA-101,IA pour tous,53,542107651,2025-10-06,2025-11-02",
        "LRN-2,APPRENTICE,IA-101,IA pour tous,11,,2025-10-07,",
    )

    first = import_trainings(env, path)
    again = import_trainings(env, path)

    assert first.returncode == 0, first.stderr
    assert "2 rows read: 2 imported, 0 already present, 0 rejected" in first.stdout
    assert "[##############################] 2/2 rows" in first.stderr
    assert again.returncode == 0
    assert "2 rows read: 0 imported, 2 already present, 0 rejected" in again.stdout


def test_bad_rows_are_listed_by_line_and_the_exit_status_is_1(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = a_file(
        tmp_path,
        "LRN-1,EMPLOYEE,IA-101,IA,53,,2025-10-06,",
        "LRN-2,xx,IA-101,IA,53,,2025-10-06,",
        "LRN-3,EMPLOYEE,IA-101,IA,53,12345,2025-10-06,",
    )

    run = import_trainings(env, path)

    assert run.returncode == 1
    assert "line 3: audience 'xx' must be one of EMPLOYEE, LEADER, APPRENTICE, JOB_SEEKER" in (
        run.stdout
    )
    assert "line 4: SIREN '12345' must have exactly 9 digits" in run.stdout
    assert "3 rows read: 1 imported, 0 already present, 2 rejected" in run.stdout


@pytest.mark.parametrize(
    ("tenant", "says"),
    [("cci", "FORBIDDEN: tenant cci may not import trainings"), ("nobody", "NOT_FOUND")],
)
def test_only_a_network_allowed_to_import_trainings_may(
    env: dict[str, str], tmp_path: Path, tenant: str, says: str
) -> None:
    run = import_trainings(env, a_file(tmp_path), "--tenant", tenant)

    assert run.returncode == 2
    assert says in run.stderr
    assert "Traceback" not in run.stderr


def test_a_file_without_the_header_is_refused_in_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("learner,audience\nLRN-1,EMPLOYEE\n", encoding="utf-8")

    run = import_trainings(env, str(path))

    assert run.returncode == 2
    assert "the header lacks the column(s) learner_ref" in run.stderr
    assert "Traceback" not in run.stderr
