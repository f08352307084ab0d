"""The names of a target's schemas and role in PostgreSQL."""

from __future__ import annotations

from osezia.tenants.visibility import PLATFORM


def stable_schema(target: str) -> str:
    """The schema of views a target's readers use; it never changes."""
    return PLATFORM if target == PLATFORM else "tenant_" + target.replace("-", "_")


def data_schema(target: str, version: int) -> str:
    """The schema holding one version's tables."""
    return f"{stable_schema(target)}_v{version}"


def tenant_role(target: str) -> str:
    return "osezia_tenant_" + target.replace("-", "_")
