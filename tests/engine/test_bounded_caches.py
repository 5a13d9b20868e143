"""Every in-process cache of the engine is bounded by bytes: many distinct large
documents cannot grow a worker without limit."""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Hashable, Iterator

import pytest

from policies.engine import errors as E
from policies.engine import evaluate, validate
from policies.engine import policy as compiled
from policies.engine.cache import BoundedCache

from .support import HENRY, allow, policy

# The module (the package's `evaluate` is the function of the same name).
evaluation = importlib.import_module("policies.engine.evaluate")


def big_document(number: int, chars: int = 20_000) -> str:
    """A distinct valid document of about `chars` characters."""
    resources = [f"arn:aws:s3:::bucket-{number}/{i:05d}/*" for i in range(chars // 32)]
    return json.dumps(policy(allow("s3:GetObject", resources)))


@pytest.fixture
def small_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[BoundedCache[Hashable, compiled.CompiledPolicy]]:
    """The compiled-policy cache with a 2 MiB bound, emptied before and after."""
    cache = compiled._cache
    cache.clear()
    monkeypatch.setattr(cache, "max_bytes", 2 << 20)
    yield cache
    cache.clear()


def test_a_byte_bounded_cache_drops_the_least_recently_used_entries() -> None:
    cache: BoundedCache[str, str] = BoundedCache("test", 10_000)
    for i in range(10):
        cache.put(f"k{i}", f"v{i}", 1_000)
        assert cache.bytes <= 10_000
    assert len(cache) < 10
    assert cache.get("k0") is None and cache.get("k9") == "v9"
    first_kept = next(f"k{i}" for i in range(10) if f"k{i}" in cache)
    cache.get(first_kept)  # now the most recently used
    cache.put("new", "value", 1_000)
    assert first_kept in cache


def test_an_entry_larger_than_a_quarter_of_the_bound_is_not_kept() -> None:
    cache: BoundedCache[str, str] = BoundedCache("test", 10_000)
    assert cache.put("huge", "value", 5_000) == "value"
    assert "huge" not in cache and cache.bytes == 0


def test_compiling_many_large_documents_keeps_the_cache_under_its_bound(
    small_cache: BoundedCache,  # type: ignore[type-arg]
) -> None:
    texts = [big_document(n) for n in range(40)]
    counts = []
    for text in texts:
        key = ("text", hashlib.sha256(text.encode()).digest())
        compiled.compile_policy(text, key=key)
        assert small_cache.bytes <= small_cache.max_bytes
        counts.append(len(small_cache))
    # Each document is counted at 20 bytes a character: only a few fit in 2 MiB.
    assert max(counts) < 10
    assert counts[-1] < len(texts)
    entries, used, bound = compiled.cache_stats()
    assert (entries, bound) == (len(small_cache), 2 << 20) and used <= bound


def test_a_policy_evicted_from_the_cache_is_compiled_afresh_and_plans_let_go(
    small_cache: BoundedCache,  # type: ignore[type-arg]
) -> None:
    first = compiled.compile_policy(big_document(0), key=("doc", 0))
    request = {"principal": HENRY, "action": "s3:GetObject", "resource": "arn:aws:s3:::x"}
    evaluate({"identity": [first]}, request)
    assert len(evaluation._PLANS) == 1
    for n in range(1, 20):
        compiled.compile_policy(big_document(n), key=("doc", n))
    assert not first.cached
    assert len(evaluation._PLANS) == 0  # no plan keeps the evicted policy alive
    again = compiled.compile_policy(big_document(0), key=("doc", 0))
    assert again is not first and again.cached


def test_policy_text_given_to_evaluate_is_cached_by_its_hash_not_its_text(
    small_cache: BoundedCache,  # type: ignore[type-arg]
) -> None:
    text = json.dumps(policy(allow("s3:*")))
    request = {"principal": HENRY, "action": "s3:GetObject", "resource": "*"}
    assert evaluate({"identity": [text]}, request).allowed
    keys = list(small_cache._data)
    assert len(keys) == 1
    assert text not in repr(keys)


def test_validate_refuses_a_document_over_the_api_length_without_reading_it() -> None:
    text = json.dumps(policy(allow())) + " " * E.MAX_DOCUMENT_CHARS
    errors = validate(text)
    assert [(e.code, e.message) for e in errors] == [(E.LIMIT_EXCEEDED, E.TOO_LONG)]
    assert E.TOO_LONG.endswith("Member must have length less than or equal to 131072")
