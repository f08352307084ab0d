"""The write API for the plan's 200 M€ envelope: allocations, commitments, payments."""

from __future__ import annotations

from osezia.domain.application import PlatformApplication


class Budget(PlatformApplication):
    """PLACEHOLDER: commands to come."""
