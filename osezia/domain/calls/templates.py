"""The two calls for projects of France 2030 that the plan relays, as configuration.

A call opened from a template copies its values into its own events: changing a template later
changes the calls opened after, never one already open.

Pionniers de l'IA (launched 18 September 2025, run by Bpifrance and Inria): three phases, each
behind a selective evaluation. Phase 1, feasibility, 100–200 k€ over 6–12 months, contracted by
Inria; phase 2, demonstrator, 400–800 k€ over 6–18 months, and phase 3, use case,
industrialisation and first market, 3–8 M€ over 1–3 years, contracted by Bpifrance.

Accélération des usages de l'IA générative dans l'économie (April 2024, run by Bpifrance): no
stored source gives its amounts or durations, so its one phase's range is a placeholder to be set
by Bpifrance; the plan's "10 projects selected" is unverified and only a selection target shown
in the figures, never a cap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from osezia.domain.calls.model import CallKind, Phase

K_EUR = 100_000  # one thousand euros, in cents
M_EUR = 1000 * K_EUR

PIONNIERS_IA = "PIONNIERS_IA"
IA_GENERATIVE = "IA_GENERATIVE"


@dataclass(frozen=True)
class CallTemplate:
    """What a call is opened with when only its template and dates are given."""

    title: str
    kind: CallKind
    phases: tuple[Phase, ...]
    selection_target: int | None = None


def _default_templates() -> Mapping[str, CallTemplate]:
    return MappingProxyType(
        {
            PIONNIERS_IA: CallTemplate(
                title="Pionniers de l'intelligence artificielle",
                kind=CallKind.GATED,
                phases=(
                    Phase(1, "Faisabilité", 100 * K_EUR, 200 * K_EUR, 6, 12, "inria"),
                    Phase(2, "Démonstrateur", 400 * K_EUR, 800 * K_EUR, 6, 18, "bpifrance"),
                    Phase(
                        3,
                        "Cas d'usage, industrialisation et premier marché",
                        3 * M_EUR,
                        8 * M_EUR,
                        12,
                        36,
                        "bpifrance",
                    ),
                ),
            ),
            IA_GENERATIVE: CallTemplate(
                title="Accélération des usages de l'IA générative dans l'économie",
                kind=CallKind.SELECTIVE,
                # Amounts and duration not found in any source: placeholders for Bpifrance to set.
                phases=(Phase(1, "Projet", 100 * K_EUR, 10 * M_EUR, 6, 36, "bpifrance"),),
                selection_target=10,
            ),
        }
    )


@dataclass(frozen=True)
class CallTemplates:
    """The templates calls may be opened from, by template code."""

    templates: Mapping[str, CallTemplate] = field(default_factory=_default_templates)

    def get(self, code: str) -> CallTemplate | None:
        return self.templates.get(code)
