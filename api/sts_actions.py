"""STS's actions over the API: action name -> a small handler (see api.iam_actions).

AssumeRole, GetSessionToken and the other temporary-credential actions join this table
when the domain issues temporary credentials.
"""

from __future__ import annotations

from typing import Any

from api.iam_actions import Handler
from domain.kernel.actors import Actor


def get_caller_identity(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    # GetCallerIdentity needs no permission: AWS answers it even under an explicit deny.
    principal = actor.principal
    return {"UserId": principal.unique_id, "Account": actor.account.id, "Arn": principal.arn}


ACTIONS: dict[str, Handler] = {
    "GetCallerIdentity": get_caller_identity,
}
