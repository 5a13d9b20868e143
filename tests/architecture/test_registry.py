"""The table of AWS actions: each action the product performs has one function, named after
it, registered once; and AWS's error text lives in one catalogue."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from domain import iam
from domain.kernel import registry
from policies.engine import actions

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_IAM = ROOT / "domain" / "iam"

# iam:PassRole is a permission, never a call: AddRoleToInstanceProfile (and the services
# that take a role) check it.
NOT_YET_ONE_FUNCTION = {
    "iam:PassRole": "a permission checked by AddRoleToInstanceProfile",
}


def test_every_registered_name_is_an_iam_action_of_the_aws_catalogue() -> None:
    for name, entry in iam.registry().items():
        info = actions.get_action(name)
        assert info is not None, name
        assert f"{info.service}:{info.name}" == name, "spelled as the catalogue spells it"
        level = actions.access_level(name)
        if entry.kind == "read":
            assert level in (actions.LIST, actions.READ), name
        else:
            assert level not in (actions.LIST, actions.READ) or name == (
                "iam:GenerateCredentialReport"
            ), name


def test_every_registered_function_is_named_after_its_action() -> None:
    for name, entry in iam.registry().items():
        assert entry.function.__name__ == registry.snake_case(name), name
        assert entry.function.__module__.startswith(("domain.iam.", "domain.cloudtrail.")), name


def test_writers_take_a_keyword_only_actor_and_readers_take_the_actor_first() -> None:
    for name, entry in iam.registry().items():
        parameters = inspect.signature(entry.function).parameters
        actor = parameters["actor"]
        if entry.kind == "action":
            assert actor.kind is inspect.Parameter.KEYWORD_ONLY, name
        else:
            assert next(iter(parameters)) == "actor", name


def test_an_action_cannot_be_registered_twice() -> None:
    with pytest.raises(RuntimeError, match="iam:AttachUserPolicy already has a function"):

        @registry.aws_action("iam:AttachUserPolicy")
        def attach_user_policy() -> None:  # pragma: no cover - never registered
            pass


def test_snake_case_follows_aws_acronyms() -> None:
    assert registry.snake_case("iam:CreateVirtualMFADevice") == "create_virtual_mfa_device"
    assert registry.snake_case("iam:ListMFADevices") == "list_mfa_devices"
    assert registry.snake_case("iam:AttachUserPolicy") == "attach_user_policy"


def _public_functions() -> dict[str, list[str]]:
    """Every public top-level function of domain/iam, by name, with where it is defined."""
    found: dict[str, list[str]] = {}
    paths = [*DOMAIN_IAM.glob("*.py"), *(ROOT / "domain" / "cloudtrail").glob("*.py")]
    for path in sorted(paths):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found.setdefault(node.name, []).append(path.name)
    return found


def test_no_second_public_function_is_named_after_a_registered_action() -> None:
    functions = _public_functions()
    for name in iam.registry():
        where = functions.get(registry.snake_case(name), [])
        assert len(where) == 1, f"{name}: {where}"


def test_every_aws_change_the_operations_record_has_its_one_function() -> None:
    """Each IAM write the operations audit (a literal "iam:Xxx" or an f-string over User,
    Group and Role) is in the registry, but for the few listed above."""
    written: set[str] = set()
    for path in DOMAIN_IAM.glob("*.py"):
        text = path.read_text()
        written |= set(re.findall(r'"(iam:[A-Z][A-Za-z]+)"', text))
        for pattern in re.findall(r'f"iam:([A-Za-z]*)\{_verb\(kind\)\}([A-Za-z]*)"', text):
            written |= {f"iam:{pattern[0]}{verb}{pattern[1]}" for verb in ("User", "Group")}
            written.add(f"iam:{pattern[0]}Role{pattern[1]}")
    changes = {
        name
        for name in written
        if actions.get_action(name) is not None
        and actions.access_level(name) not in (actions.LIST, actions.READ)
    }
    registered = set(iam.registry())
    missing = changes - registered - set(NOT_YET_ONE_FUNCTION)
    assert not missing


# --- the error catalogue ---------------------------------------------------------------

AWS_MESSAGE = re.compile(
    r"cannot be found|already exists|Cannot exceed quota|does not exist|Cannot delete|"
    r"not attachable|was not found"
)


def _string_literals(tree: ast.AST) -> list[tuple[int, str]]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_aws_error_messages_are_written_only_in_the_errors_catalogue() -> None:
    catalogue = ROOT / "domain" / "kernel" / "errors.py"
    offenders = []
    for package in ("domain", "console"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == catalogue:
                continue
            for line, text in _string_literals(ast.parse(path.read_text())):
                if AWS_MESSAGE.search(text):
                    offenders.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert not offenders
