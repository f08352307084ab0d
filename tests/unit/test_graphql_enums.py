"""The schema's enums are the domain's closed sets: same values, same spelling, one owner."""

from __future__ import annotations

from graphql import GraphQLEnumType

from osezia.domain.ambassadors.model import Network
from osezia.domain.budget.model import Measure
from osezia.domain.solutions.usecases import UseCaseCategory
from osezia.domain.trainings.model import Audience
from osezia.graphql.ambassadors.types import AmbassadorStatus
from osezia.graphql.budget.types import MovementKind
from osezia.graphql.enums import REGISTERED
from osezia.graphql.events.types import ParticipantKind
from osezia.graphql.referrals.types import ReferralStatus
from osezia.graphql.schema import schema

SERVED = schema._schema


def enum_served(name: str) -> GraphQLEnumType:
    found = SERVED.get_type(name)
    assert isinstance(found, GraphQLEnumType), name
    return found


def test_each_graphql_enum_has_the_values_of_the_domain_list_it_comes_from() -> None:
    for domain_enum, name, _ in REGISTERED:
        served = enum_served(name)

        assert list(served.values) == [member.value for member in domain_enum], name
        assert [v.value for v in served.values.values()] == list(domain_enum), name


def test_the_enums_the_issue_names_are_the_domains_own_lists() -> None:
    assert list(enum_served("UseCaseCode").values) == list(UseCaseCategory)
    assert "PREDICTIVE_MAINTENANCE" in enum_served("UseCaseCode").values
    assert list(enum_served("AmbassadorNetwork").values) == list(Network)
    assert list(enum_served("Measure").values) == list(Measure)
    assert list(enum_served("Audience").values) == list(Audience)


def test_every_enum_the_schema_serves_comes_from_one_list_of_the_code() -> None:
    # Beside the domain's: what read models record where the aggregate keeps no status (each
    # beside the type that shows it), and the choices of two queries.
    read_models = {
        "MovementKind": MovementKind,
        "AmbassadorStatus": AmbassadorStatus,
        "ReferralStatus": ReferralStatus,
        "ParticipantKind": ParticipantKind,
    }
    owned = (
        {name for _, name, _ in REGISTERED} | set(read_models) | {"Direction", "CompaniesCounted"}
    )
    served = {
        name
        for name, found in SERVED.type_map.items()
        if isinstance(found, GraphQLEnumType) and not name.startswith("__")
    }

    assert served == owned
    for name, listed in read_models.items():
        assert list(enum_served(name).values) == list(listed), name


def test_no_domain_enum_is_registered_under_two_names() -> None:
    classes = [domain_enum for domain_enum, _, _ in REGISTERED]
    names = [name for _, name, _ in REGISTERED]

    assert len(set(classes)) == len(classes)
    assert len(set(names)) == len(names)
