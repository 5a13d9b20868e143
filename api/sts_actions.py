"""STS's actions over the API: action name -> a small handler (see api.iam_actions).

Each handler turns botocore's input members into one call of domain.iam.sts and its result
into the output shape; the domain authorizes (trust policy, caller's policies), validates
and raises AWS's errors.
"""

from __future__ import annotations

from typing import Any

from api.iam_actions import Handler, tag_pairs
from domain.iam import sts
from domain.kernel.actors import Actor


def credentials_shape(credentials: sts.Credentials) -> dict[str, Any]:
    return {
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key,
        "SessionToken": credentials.session_token,
        "Expiration": credentials.expiration,
    }


def assume_role(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    assumed = sts.assume_role(
        actor=actor,
        role_arn=p["RoleArn"],
        role_session_name=p["RoleSessionName"],
        duration_seconds=p.get("DurationSeconds", 3600),
        external_id=p.get("ExternalId"),
        serial_number=p.get("SerialNumber"),
        token_code=p.get("TokenCode"),
        policy=p.get("Policy"),
        policy_arns=[d.get("arn", "") for d in p.get("PolicyArns") or []],
        tags=tag_pairs(p.get("Tags")),
        transitive_tag_keys=p.get("TransitiveTagKeys") or (),
        source_identity=p.get("SourceIdentity"),
    )
    # PackedPolicySize and SourceIdentity appear only when session policies or tags, and
    # a source identity, were part of the session (as AWS answers).
    return {
        "Credentials": credentials_shape(assumed.credentials),
        "AssumedRoleUser": {"AssumedRoleId": assumed.assumed_role_id, "Arn": assumed.arn},
        "PackedPolicySize": assumed.packed_policy_size,
        "SourceIdentity": assumed.source_identity or None,
    }


def get_session_token(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    duration = p.get("DurationSeconds")
    credentials = sts.get_session_token(
        actor=actor,
        serial_number=p.get("SerialNumber"),
        token_code=p.get("TokenCode"),
        **({"duration_seconds": duration} if duration is not None else {}),
    )
    return {"Credentials": credentials_shape(credentials)}


def get_caller_identity(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    # GetCallerIdentity needs no permission: AWS answers it even under an explicit deny.
    identity = sts.get_caller_identity(actor=actor)
    return {"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn}


def get_access_key_info(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    return {"Account": sts.get_access_key_info(actor=actor, access_key_id=p["AccessKeyId"])}


def decode_authorization_message(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    decoded = sts.decode_authorization_message(actor=actor, encoded_message=p["EncodedMessage"])
    return {"DecodedMessage": decoded}


ACTIONS: dict[str, Handler] = {
    "AssumeRole": assume_role,
    "GetSessionToken": get_session_token,
    "GetCallerIdentity": get_caller_identity,
    "GetAccessKeyInfo": get_access_key_info,
    "DecodeAuthorizationMessage": decode_authorization_message,
}
