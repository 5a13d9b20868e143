"""The layers hold by construction: read over the source tree (ast), not by running it.

`lint-imports` (pyproject's [tool.importlinter]) checks which module imports which. These
tests check what it cannot see: where the ORM is used and where imports are written.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("iamconsole", "console", "api", "domain", "accounts", "policies")

# Methods that write rows (on a manager, a queryset, a related manager or an instance).
INSTANCE_WRITES = {"save", "delete", "bulk_create", "bulk_update", "get_or_create"}
QUERY_WRITES = {"create", "update", "update_or_create", *INSTANCE_WRITES}
# Methods only a query has: the doors reach data through domain.iam's readers instead.
QUERY_ONLY = {
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "annotate",
    "aggregate",
    "values_list",
    "defer",
    "raw",
    "refresh_from_db",
    "update_or_create",
    *INSTANCE_WRITES,
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Receivers whose methods share a name with the ORM's: the session, a template library.
NOT_ORM = {"register"}

# Model modules write their own rows; migrations are history. policies/sync.py loads the AWS
# managed catalogue for migration 0002 (with its historical models) and for the sync command.
MODEL_LAYER_WRITERS = {"accounts/models.py", "policies/models.py", "policies/sync.py"}


def source_files(*packages: str) -> list[Path]:
    """The product's modules: no migrations, no maintainer scripts (policies/data)."""
    files = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" not in parts and parts[:2] != ("policies", "data"):
                files.append(path)
    return files


def name_of(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def module_names(tree: ast.Module) -> set[str]:
    """Names the file binds to whole modules (`from console.flows import user_wizard`)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if importlib.util.find_spec(node.module) and _is_module(node.module, alias.name):
                    names.add(alias.asname or alias.name)
    return names


def _is_module(package: str, name: str) -> bool:
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except ModuleNotFoundError:
        return False


def method_calls(path: Path) -> list[tuple[ast.Call, str, str]]:
    """(call, method, receiver) for each `x.method(...)` whose receiver is not a module,
    the session or a template library."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = module_names(tree) | NOT_ORM
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = ast.unparse(node.func.value)
            if receiver not in skip and not receiver.endswith("session"):
                calls.append((node, node.func.attr, receiver))
    return calls


def _on_query(receiver: str) -> bool:
    return any(f".{m}" in f".{receiver}" for m in MANAGERS) or ".filter(" in receiver


def orm_uses(path: Path) -> list[str]:
    """`file:line code` for each manager reached and each query or write made."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = [
        f"{name_of(path)}:{node.lineno} {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS
    ]
    for call, method, receiver in method_calls(path):
        if method in QUERY_ONLY or (method in QUERY_WRITES and _on_query(receiver)):
            found.append(f"{name_of(path)}:{call.lineno} {ast.unparse(call)[:80]}")
    return found


def orm_writes(path: Path) -> list[str]:
    """`file:line code` for each row saved, created, updated or deleted."""
    return [
        f"{name_of(path)}:{call.lineno} {ast.unparse(call)[:80]}"
        for call, method, receiver in method_calls(path)
        if method in INSTANCE_WRITES or (method in QUERY_WRITES and _on_query(receiver))
    ]


def test_views_template_tags_and_forms_never_touch_the_orm() -> None:
    found = [use for path in source_files("console", "api", "iamconsole") for use in orm_uses(path)]
    assert found == []


def test_models_are_written_only_by_the_operations_layer() -> None:
    """Outside domain/ no module saves, creates, updates or deletes rows: every write goes
    through an operation that authorizes and records an event."""
    outside = [
        path
        for path in source_files("iamconsole", "console", "api", "accounts", "policies")
        if name_of(path) not in MODEL_LAYER_WRITERS
    ]
    assert [write for path in outside for write in orm_writes(path)] == []


def test_the_operations_layer_is_where_the_writes_are() -> None:
    """The reading above finds writes where they are, so its silence elsewhere means something."""
    writers = {name_of(path) for path in source_files("domain") if orm_writes(path)}
    assert {"domain/iam/users.py", "domain/iam/groups.py", "domain/kernel/audit.py"} <= writers


def test_the_checks_find_a_view_that_queries_and_saves(tmp_path: Path) -> None:
    view = tmp_path / "view.py"
    view.write_text(
        "from accounts.models import Principal\n"
        "def rename(request, user):\n"
        "    request.session.update(seen=True)\n"
        "    user.name = 'x'\n"
        "    user.save()\n"
        "    Principal.objects.filter(pk=1).update(name='y')\n"
    )
    assert [line.split(" ", 1)[0] for line in orm_uses(view)] == [
        "view.py:6",  # Principal.objects
        "view.py:5",  # user.save()
        "view.py:6",  # .update() on a query
        "view.py:6",  # .filter()
    ]
    assert [line.split(" ", 1)[0] for line in orm_writes(view)] == ["view.py:5", "view.py:6"]


def imports_inside_functions(path: Path) -> list[str]:
    """Imports anywhere but at module level (an `if TYPE_CHECKING:` block counts as module
    level): an import inside a function hides a dependency, usually to dodge a cycle."""
    tree = ast.parse(path.read_text(), filename=str(path))
    allowed: set[int] = set()
    for node in tree.body:
        allowed.add(id(node))
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            allowed |= {id(child) for child in node.body}
    return [
        f"{name_of(path)}:{node.lineno} {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in allowed
    ]


def test_no_module_imports_inside_a_function() -> None:
    found = [line for path in source_files(*PACKAGES) for line in imports_inside_functions(path)]
    assert found == []


def test_the_import_check_finds_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from accounts.models import Principal\n"
        "def load():\n"
        "    from domain.iam import users\n"
    )
    assert imports_inside_functions(module) == ["module.py:5 from domain.iam import users"]
