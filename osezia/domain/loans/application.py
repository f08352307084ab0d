"""The write API for state-guaranteed loans (Bpifrance)."""

from __future__ import annotations

from osezia.domain.application import PlatformApplication


class Loans(PlatformApplication):
    """PLACEHOLDER: commands to come."""
