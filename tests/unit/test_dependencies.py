"""The lock files say what pyproject.toml asks for, and the image installs the production one."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _locked(name: str) -> dict[str, str]:
    """Each package of a lock file with its version; every one must carry its hashes."""
    text = (ROOT / name).read_text()
    entries: dict[str, str] = {}
    for block in re.split(r"\n(?=\S)", text):
        match = _ENTRY.match(block)
        if match is None:
            continue
        assert "--hash=sha256:" in block, f"{name}: {match[1]} has no hash"
        entries[canonicalize_name(match[1])] = match[2]
    return entries


def _pinned(*groups: str) -> dict[str, str]:
    """The project's own requirements in these groups, each pinned to one version."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for group in groups:
        lines += project["optional-dependencies"][group]
    pins: dict[str, str] = {}
    for line in lines:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) == "osezia":
            continue  # the project's own extras, listed in their groups
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{line} is not pinned"
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def test_the_production_lock_has_every_runtime_requirement_at_its_version() -> None:
    locked = _locked("requirements.lock")
    missing = {n: v for n, v in _pinned().items() if locked.get(n) != v}
    assert not missing, (
        f"requirements.lock differs from pyproject.toml: run `make lock` ({missing})"
    )


def test_the_development_lock_has_every_requirement_at_its_version() -> None:
    locked = _locked("requirements-dev.lock")
    wanted = _pinned("embedded", "dev")
    missing = {n: v for n, v in wanted.items() if locked.get(n) != v}
    assert not missing, (
        f"requirements-dev.lock differs from pyproject.toml: run `make lock` ({missing})"
    )
    production = _locked("requirements.lock")
    moved = {n: (v, locked.get(n)) for n, v in production.items() if locked.get(n, v) != v}
    assert not moved, f"the two locks resolve shared packages differently: {moved}"


def test_the_production_lock_leaves_the_embedded_postgresql_out() -> None:
    assert "pgserver" in _locked("requirements-dev.lock")
    assert "pgserver" not in _locked("requirements.lock")


def test_the_image_installs_the_lock_before_it_copies_the_source() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    install = next(i for i, line in enumerate(lines) if "-r requirements.lock" in line)
    assert "--require-hashes" in lines[install]
    source = next(i for i, line in enumerate(lines) if line.startswith("COPY osezia"))
    assert install < source
    project = next(i for i, line in enumerate(lines) if "pip install" in line and i > source)
    assert "--no-deps" in lines[project], "the project's install must resolve nothing more"
