"""Profile entries are declared by each feature (its grants.py) and gathered by the profiles:
what was stored before the move still reads the same, and no entry is declared twice."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from osezia.domain.grants import OPERATOR, SEEDED_NETWORKS, features, gathered
from osezia.tenants.profiles import (
    COMMANDS,
    DEFAULT_TENANTS,
    KINDS,
    PILOTS,
    PUBLIC_KINDS,
    SCOPES,
    SUCCESSORS,
)

# The profiles' entries as osezia/tenants/profiles.py listed them before the features declared
# them (written by that code): entries may be added since, none changed nor lost.
BEFORE = json.loads(Path(__file__).with_name("profiles_before_grants.json").read_text())


def test_every_command_keeps_its_scope() -> None:
    assert {c: COMMANDS.get(c) for c in BEFORE["commands"]} == BEFORE["commands"]


def test_kinds_keep_whether_every_network_sees_them() -> None:
    assert set(BEFORE["kinds"]) <= set(KINDS)
    assert {k for k in BEFORE["kinds"] if k in PUBLIC_KINDS} == set(BEFORE["public_kinds"])


def test_successors_and_pilots_are_unchanged() -> None:
    # Those declared before stay; a later release adds its own (a command split off an older).
    successors = {str(new): str(old) for new, old in SUCCESSORS.items()}
    assert BEFORE["successors"].items() <= successors.items()
    for network, kinds in BEFORE["pilots"].items():
        assert set(kinds) <= PILOTS[network], network
    assert {k for kinds in PILOTS.values() for k in kinds} == {
        k for kinds in BEFORE["pilots"].values() for k in kinds
    }


def test_the_seeded_networks_keep_their_names_grants_and_sight() -> None:
    assert set(DEFAULT_TENANTS) == set(BEFORE["default_tenants"])
    for slug, was in BEFORE["default_tenants"].items():
        name, profile = DEFAULT_TENANTS[slug]
        now = profile.as_data()
        assert name == was["name"]
        assert set(was["profile"]["commands"]) <= set(now["commands"]), slug
        assert now["sees_all"] == was["profile"]["sees_all"] or slug == "operator", slug
        assert set(was["profile"]["sees_all"]) <= set(now["sees_all"]), slug
        assert (now["region"], now["roles"]) == (was["profile"]["region"], was["profile"]["roles"])


def test_the_seeded_networks_are_the_ones_the_features_grant_to() -> None:
    # The features' grants name the seeded networks by the domain's one list (SEEDED_NETWORKS).
    assert tuple(DEFAULT_TENANTS) == SEEDED_NETWORKS
    assert SEEDED_NETWORKS[0] == OPERATOR
    assert DEFAULT_TENANTS[OPERATOR][0] == "État (opérateur du plan)"


def test_no_command_nor_kind_is_declared_by_two_features() -> None:
    grants = gathered().values()
    commands = Counter(command for g in grants for command in g.scopes)
    kinds = Counter(kind for g in grants for kind in g.kinds)
    assert [c for c, n in commands.items() if n > 1] == []
    assert [k for k, n in kinds.items() if n > 1] == []


def test_each_feature_declares_only_its_own_kinds_and_known_scopes() -> None:
    for name, g in gathered().items():
        assert g.public <= set(g.kinds), name
        assert set(g.pilots) <= set(g.kinds), name
        assert set(g.scopes.values()) <= set(SCOPES), name
        assert set(g.successors) <= set(g.scopes), name
        granted = {c for commands in g.defaults.values() for c in commands}
        assert granted <= set(g.scopes), name
        assert set(g.defaults) | set(g.sees_all) <= set(DEFAULT_TENANTS), name


def test_features_are_gathered_in_the_order_of_their_names() -> None:
    assert list(gathered()) == sorted(gathered())
    assert set(gathered()) <= set(features())
    assert {"companies", "events", "solutions", "trainings"} <= set(gathered())
