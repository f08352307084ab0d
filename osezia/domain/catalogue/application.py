"""The write API for the catalogue of AI solutions and their adoption by companies."""

from __future__ import annotations

from osezia.domain.application import PlatformApplication


class Catalogue(PlatformApplication):
    """PLACEHOLDER: commands to come."""
