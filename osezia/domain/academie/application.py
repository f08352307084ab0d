"""The write API for the Académie de l'IA: learners enrolled and trainings completed."""

from __future__ import annotations

from osezia.domain.application import PlatformApplication


class Academie(PlatformApplication):
    """PLACEHOLDER: commands to come."""
