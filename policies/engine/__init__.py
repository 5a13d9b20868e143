"""IAM policy engine: validation, linting and evaluation of IAM policy documents.

Pure Python, no Django. Public API::

    from policies.engine import evaluate, validate, lint, compile_policy
    from policies.engine import Decision, PolicyError, EngineError
"""

from __future__ import annotations

# The linter module is loaded before the `lint` function is bound below: importing a
# submodule later would rebind `policies.engine.lint` to the module.
from . import lint as _lint_module  # noqa: F401
from .errors import EngineError, PolicyError
from .evaluate import condition_keys, evaluate
from .explain import Decision, StatementRef
from .policy import CompiledPolicy, clear_cache, compile_policy
from .validate import lint, validate

__all__ = [
    "CompiledPolicy",
    "Decision",
    "EngineError",
    "PolicyError",
    "StatementRef",
    "clear_cache",
    "compile_policy",
    "condition_keys",
    "evaluate",
    "lint",
    "validate",
]
