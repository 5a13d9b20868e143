"""STS's actions over the API: action name -> a small handler (see api.iam_actions).

Each handler turns botocore's input members into one call of domain.iam.sts and its result
into the output shape; the domain authorizes (trust policy, caller's policies), validates
and raises AWS's errors.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _federated_shape(federated: sts.FederatedRole) -> dict[str, Any]:
    assumed = federated.assumed
    return {
        "Credentials": credentials_shape(assumed.credentials),
        "AssumedRoleUser": {"AssumedRoleId": assumed.assumed_role_id, "Arn": assumed.arn},
        "PackedPolicySize": assumed.packed_policy_size,
        "Audience": federated.audience,
    }


def assume_role_with_web_identity(p: dict[str, Any]) -> dict[str, Any]:
    federated = sts.assume_role_with_web_identity(
        role_arn=p["RoleArn"],
        role_session_name=p["RoleSessionName"],
        web_identity_token=p["WebIdentityToken"],
        provider_id=p.get("ProviderId"),
        duration_seconds=p.get("DurationSeconds", 3600),
        policy=p.get("Policy"),
        policy_arns=[d.get("arn", "") for d in p.get("PolicyArns") or []],
    )
    return _federated_shape(federated) | {
        "SubjectFromWebIdentityToken": federated.subject,
        "Provider": federated.issuer,
    }


def assume_role_with_saml(p: dict[str, Any]) -> dict[str, Any]:
    federated = sts.assume_role_with_saml(
        role_arn=p["RoleArn"],
        principal_arn=p["PrincipalArn"],
        saml_assertion=p["SAMLAssertion"],
        duration_seconds=p.get("DurationSeconds"),
        policy=p.get("Policy"),
        policy_arns=[d.get("arn", "") for d in p.get("PolicyArns") or []],
    )
    return _federated_shape(federated) | {
        "Subject": federated.subject,
        "SubjectType": federated.subject_type,
        "Issuer": federated.issuer,
        "NameQualifier": federated.name_qualifier,
    }


# Unsigned in AWS: the token or the SAML response is the credential, so these take no
# Actor (a signed call of them is answered the same, its signer ignored).
UnsignedHandler = Callable[[dict[str, Any]], dict[str, Any]]
UNSIGNED_ACTIONS: dict[str, UnsignedHandler] = {
    "AssumeRoleWithWebIdentity": assume_role_with_web_identity,
    "AssumeRoleWithSAML": assume_role_with_saml,
}

ACTIONS: dict[str, Handler] = {
    "AssumeRole": assume_role,
    "GetSessionToken": get_session_token,
    "GetCallerIdentity": get_caller_identity,
    "GetAccessKeyInfo": get_access_key_info,
    "DecodeAuthorizationMessage": decode_authorization_message,
    "AssumeRoleWithWebIdentity": lambda actor, p: assume_role_with_web_identity(p),
    "AssumeRoleWithSAML": lambda actor, p: assume_role_with_saml(p),
}
