"""AWS's policy summary table, rendered once per document text and then reused.

A summary depends only on the document (and the table's template), and a managed policy
version never changes: ReadOnlyAccess summarizes to some 300 service rows, ~25 ms of
summarizing and ~25 ms of rendering. The HTML is kept in this process (a small LRU) and in
Django's cache (Redis or the cache table), so every worker reads what the first one built.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from functools import cache

from django.core.cache import cache as shared_cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString

from domain.iam.user_listing import policy_summary

TEMPLATE = "policies/_summary_table.html"
LOCAL_SIZE = 32
SHARED_SECONDS = 7 * 24 * 60 * 60
_local: OrderedDict[str, SafeString] = OrderedDict()


@cache
def _template_digest() -> str:
    """Part of the key: a deploy that changes the table's template builds new entries."""
    source = get_template(TEMPLATE).template.source  # type: ignore[attr-defined]  # the Django backend's wrapper
    return hashlib.sha256(str(source).encode()).hexdigest()[:16]


def summary_table(document: str) -> SafeString:
    """The rendered summary table of `document` (a policy's JSON text)."""
    digest = hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()
    key = f"policy-summary:{_template_digest()}:{digest}"
    html = _local.get(key)
    if html is not None:
        _local.move_to_end(key)
        return html
    stored = shared_cache.get(key)
    if not isinstance(stored, str):
        stored = render_to_string(TEMPLATE, {"summary": policy_summary(document)})
        shared_cache.set(key, str(stored), SHARED_SECONDS)
    html = SafeString(stored)  # our own template's output, escaped when it was rendered
    _local[key] = html
    if len(_local) > LOCAL_SIZE:
        _local.popitem(last=False)
    return html
