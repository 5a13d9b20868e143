"""Which policies apply to a principal: attached managed, inline, through groups, boundary."""

from __future__ import annotations

from typing import Any

from accounts.models import Principal


def policies_for(principal: Principal) -> dict[str, list[Any]]:
    # Managed and inline policies arrive with the users-and-groups work; until then an
    # IAM user has no permissions, which is AWS's default for a new user too.
    return {"identity": []}
