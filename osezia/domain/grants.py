"""What a feature adds to the networks' profiles, declared in its own package.

Each feature of the domain (a package of ``osezia.domain``) that networks act on declares, in its
``grants.py``, a ``GRANTS``: its record kinds, the scope each of its commands needs, and what
the networks seeded at first start receive of it. ``osezia.tenants.profiles`` gathers them, in
the order of the features' names, so that a new feature adds its entries without editing the
profiles. The values are stored (in the tenants' events): a declaration may move, never change.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass, field

import osezia.domain
from osezia.domain.commands import Command

# The networks seeded at first start, by slug (osezia.tenants.profiles.SEEDED gives their names):
# the State, as operator of the plan, and the partner networks. Here, below the tenants, so that
# the features' grants name them, and the privacy and retention commands the operator, once.
OPERATOR = "operator"
PARTNERS = ("bpifrance", "cci", "french-tech", "inria")
SEEDED_NETWORKS = (OPERATOR, *PARTNERS)


@dataclass(frozen=True)
class Grants:
    """A feature's entries in the profiles."""

    kinds: tuple[str, ...] = ()  # the record kinds it keeps
    public: frozenset[str] = frozenset()  # those of its kinds every network sees
    scopes: Mapping[Command, str] = field(default_factory=dict)  # each command's scope
    # A command split off an older one: a network that holds the older is granted it once.
    successors: Mapping[Command, Command] = field(default_factory=dict)
    # The network that pilots the records of a kind for the State (Networks.pilot).
    pilots: Mapping[str, str] = field(default_factory=dict)
    # What each network seeded at first start is granted, and the kinds it sees whoever owns them.
    defaults: Mapping[str, frozenset[Command]] = field(default_factory=dict)
    sees_all: Mapping[str, frozenset[str]] = field(default_factory=dict)


def features() -> list[str]:
    """The domain's features, by name: the packages of ``osezia.domain``."""
    return sorted(m.name for m in pkgutil.iter_modules(osezia.domain.__path__) if m.ispkg)


def gathered() -> dict[str, Grants]:
    """Every feature's grants, by feature, in the order of their names."""
    found: dict[str, Grants] = {}
    for name in features():
        module = f"osezia.domain.{name}.grants"
        if importlib.util.find_spec(module) is not None:
            grants = importlib.import_module(module).GRANTS
            if not isinstance(grants, Grants):
                raise TypeError(f"{module}.GRANTS is not a Grants")
            found[name] = grants
    return found
