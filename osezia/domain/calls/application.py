"""The write API for calls for projects, Pionniers de l'IA's gated phases included."""

from __future__ import annotations

from osezia.domain.application import PlatformApplication


class Calls(PlatformApplication):
    """PLACEHOLDER: commands to come."""
