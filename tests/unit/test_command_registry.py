"""Each command's name is said once, in osezia.domain.commands: the profiles grant only
registered commands, every mutation runs one, and every one is granted to a network."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from osezia.domain.commands import BY_THE_OPERATOR, Command, Receipt
from osezia.graphql.schema import Mutation
from osezia.tenants.profiles import COMMANDS, DEFAULT_TENANTS, SUCCESSORS


def test_the_profiles_scope_exactly_the_registered_commands() -> None:
    assert all(isinstance(command, Command) for command in COMMANDS)
    assert set(COMMANDS) == set(Command)


def test_every_command_a_profile_grants_is_registered() -> None:
    for slug, (_, profile) in DEFAULT_TENANTS.items():
        assert all(isinstance(command, Command) for command in profile.commands), slug
    assert all(isinstance(c, Command) for pair in SUCCESSORS.items() for c in pair)


def test_every_registered_command_is_granted_to_a_network() -> None:
    granted = {command for _, profile in DEFAULT_TENANTS.values() for command in profile.commands}
    assert set(Command) - granted == set()
    assert DEFAULT_TENANTS["operator"][1].commands >= BY_THE_OPERATOR


def _commands_run_by(resolver: Callable[..., Any]) -> list[str]:
    """The registered commands a resolver hands run_command, read from its source: the second
    argument must be a member of Command, never a string."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(resolver)))
    names = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "run_command"):
            continue
        argument = call.args[1]
        assert isinstance(argument, ast.Attribute), ast.unparse(argument)
        assert isinstance(argument.value, ast.Name)
        assert argument.value.id == "Command"
        names.append(Command[argument.attr].value)
    return names


def test_every_mutation_runs_a_registered_command() -> None:
    run: set[str] = set()
    fields = Mutation.__strawberry_definition__.fields  # type: ignore[attr-defined]
    assert fields
    for field in fields:
        resolver = field.base_resolver.wrapped_func
        commands = _commands_run_by(resolver)
        assert len(commands) == 1, f"{field.python_name} runs {commands}"
        run.update(commands)
    # Whatever no mutation runs, the operator runs on the server.
    assert set(Command) - run == BY_THE_OPERATOR


def test_a_receipt_name_is_not_a_grant() -> None:
    # Registering to an event keeps the names its receipts were stored under.
    assert {receipt.value for receipt in Receipt} == {"register_company", "register_provider"}
    assert Command.REGISTER_TO_EVENT not in {receipt.value for receipt in Receipt}
