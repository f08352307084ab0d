"""The write API for the acceleration programme: cohorts, admissions, milestones."""

from __future__ import annotations

from osezia.domain.application import PlatformApplication


class Acceleration(PlatformApplication):
    """PLACEHOLDER: commands to come."""
