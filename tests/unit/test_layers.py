"""Every module and subpackage directly under osezia/ sits in a layer of the import-linter
contract (pyproject.toml), so that no part of the house escapes the rule of what may import
what."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path
from typing import Any

import osezia

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def layered(config: dict[str, Any]) -> set[str]:
    """The modules named as layers by the `layers` contracts of an import-linter config."""
    names: set[str] = set()
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] != "layers":
            continue
        containers = contract.get("containers", [])
        for layer in contract["layers"]:
            # A layer may hold several modules (`a | b`, or `a : b` when independent).
            for name in layer.replace(":", "|").split("|"):
                name = name.strip().strip("()")
                if containers:
                    names.update(f"{container}.{name}" for container in containers)
                else:
                    names.add(name)
    return names


def top_level(package_path: list[str]) -> set[str]:
    """The modules and subpackages directly under osezia/."""
    return {f"osezia.{module.name}" for module in pkgutil.iter_modules(package_path)}


def unlayered(config: dict[str, Any], package_path: list[str]) -> list[str]:
    return sorted(top_level(package_path) - layered(config))


def test_every_module_under_osezia_is_in_a_layer() -> None:
    config = tomllib.loads(PYPROJECT.read_text())
    assert top_level(list(osezia.__path__)) >= {"osezia.domain", "osezia.store"}
    assert unlayered(config, list(osezia.__path__)) == []


def test_a_module_in_no_layer_is_found(tmp_path: Path) -> None:
    (tmp_path / "layered").mkdir()
    (tmp_path / "layered" / "__init__.py").write_text("")
    (tmp_path / "stray.py").write_text("")
    config = {
        "tool": {
            "importlinter": {
                "contracts": [
                    {"type": "forbidden", "source_modules": ["osezia.stray"]},
                    {"type": "layers", "layers": ["osezia.layered"]},
                ]
            }
        }
    }
    assert unlayered(config, [str(tmp_path)]) == ["osezia.stray"]
