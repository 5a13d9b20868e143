"""Typed errors raised by the operations layer, with AWS's codes and messages: the one
catalogue of AWS error text.

The console shows `message` (beside `field` when there is one); the API returns
`code` and `message` as an AWS error response with `status`. Each class holds the message
templates AWS uses for its code (`NoSuchEntity.user(name)`, `LimitExceeded.quota(...)`), so
no other module spells an AWS message (tests/architecture checks the source for them).
"""

from __future__ import annotations


class IamError(Exception):
    code = "ServiceFailure"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AccessDenied(IamError):
    code = "AccessDenied"
    status = 403

    # The engine's decision behind a policy denial (set by authorize), for the encoded
    # authorization message some AWS APIs return (domain.kernel.authorization_messages).
    decision: object | None = None
    request: dict[str, object] | None = None


class NoSuchEntity(IamError):
    code = "NoSuchEntity"
    status = 404

    @classmethod
    def user(cls, name: str, *, field: str | None = None) -> NoSuchEntity:
        return cls(f"The user with name {name} cannot be found.", field=field)

    @classmethod
    def group(cls, name: str, *, field: str | None = None) -> NoSuchEntity:
        return cls(f"The group with name {name} cannot be found.", field=field)

    @classmethod
    def role(cls, name: str, *, field: str | None = None) -> NoSuchEntity:
        return cls(f"The role with name {name} cannot be found.", field=field)

    @classmethod
    def policy(cls, arn: str, *, field: str | None = None) -> NoSuchEntity:
        return cls(f"Policy {arn} does not exist or is not attachable.", field=field)

    @classmethod
    def policy_named(cls, name_or_arn: str) -> NoSuchEntity:
        return cls(f"Policy {name_or_arn} does not exist.")

    @classmethod
    def policy_not_found(cls, arn: str) -> NoSuchEntity:
        """GetPolicy and the other calls that name a policy by ARN, as AWS words it."""
        return cls(f"Policy {arn} was not found.")

    @classmethod
    def policy_not_attached(cls, arn: str) -> NoSuchEntity:
        return cls(f"Policy {arn} was not found.")

    @classmethod
    def policy_version(cls, arn: str, version_id: str) -> NoSuchEntity:
        return cls(f"Policy {arn} version {version_id} does not exist.")

    @classmethod
    def inline_policy(cls, kind: str, name: str) -> NoSuchEntity:
        """`kind`: user, group or role."""
        return cls(f"The {kind} policy with name {name} cannot be found.")

    @classmethod
    def login_profile(cls, user_name: str) -> NoSuchEntity:
        return cls(f"Login Profile for User {user_name} cannot be found.")

    @classmethod
    def access_key(cls, access_key_id: str) -> NoSuchEntity:
        return cls(f"The Access Key with id {access_key_id} cannot be found.")

    @classmethod
    def mfa_device(cls) -> NoSuchEntity:
        return cls("The MFA device cannot be found.")

    @classmethod
    def mfa_serial(cls, serial: str) -> NoSuchEntity:
        return cls(f"VirtualMFADevice with serial number {serial} doesn't exist.")

    @classmethod
    def instance_profile(cls, name: str) -> NoSuchEntity:
        return cls(f"Instance Profile {name} cannot be found.")


class EntityAlreadyExists(IamError):
    code = "EntityAlreadyExists"
    status = 409

    @classmethod
    def user(cls, name: str) -> EntityAlreadyExists:
        return cls(f"User with name {name} already exists.", field="name")

    @classmethod
    def group(cls, name: str) -> EntityAlreadyExists:
        return cls(f"Group with name {name} already exists.", field="name")

    @classmethod
    def role(cls, name: str) -> EntityAlreadyExists:
        return cls(f"Role with name {name} already exists.", field="name")

    @classmethod
    def policy(cls, name: str) -> EntityAlreadyExists:
        return cls(
            f"A policy called {name} already exists. Duplicate names are not allowed.",
            field="name",
        )

    @classmethod
    def login_profile(cls, user_name: str) -> EntityAlreadyExists:
        return cls(f"Login Profile for user {user_name} already exists.")

    @classmethod
    def instance_profile(cls, name: str) -> EntityAlreadyExists:
        return cls(f"Instance Profile {name} already exists.", field="name")

    @classmethod
    def mfa_device(cls) -> EntityAlreadyExists:
        return cls("MFADevice entity at the same path and name already exists.", field="name")

    @classmethod
    def mfa_device_in_use(cls) -> EntityAlreadyExists:
        return cls("MFA Device is already in use.")

    @classmethod
    def account_alias(cls, alias: str) -> EntityAlreadyExists:
        return cls(f"The account alias {alias} already exists.", field="alias")

    @classmethod
    def account_email(cls) -> EntityAlreadyExists:
        return cls("An account with this email address already exists.", field="email")


class LimitExceeded(IamError):
    code = "LimitExceeded"
    status = 409

    @classmethod
    def quota(cls, quota: str, limit: int, *, field: str | None = None) -> LimitExceeded:
        """AWS's quota message: "Cannot exceed quota for AccessKeysPerUser: 2"."""
        return cls(f"Cannot exceed quota for {quota}: {limit}", field=field)


class DeleteConflict(IamError):
    code = "DeleteConflict"
    status = 409

    @classmethod
    def policy_attached(cls) -> DeleteConflict:
        return cls("Cannot delete a policy attached to entities.")

    @classmethod
    def non_default_versions(cls) -> DeleteConflict:
        return cls("Cannot delete a policy with non-default versions.")

    @classmethod
    def default_version(cls) -> DeleteConflict:
        return cls("Cannot delete the default version of a policy.")

    @classmethod
    def mfa_device_in_use(cls) -> DeleteConflict:
        return cls("MFA VirtualDevice in use. Must deactivate first.")

    @classmethod
    def must_first(cls, what: str) -> DeleteConflict:
        """DeleteUser/DeleteGroup/DeleteRole on an entity that still has `what`:
        "detach all policies", "remove users from group", "delete login profile", ..."""
        return cls(f"Cannot delete entity, must {what} first.")


class ValidationError(IamError):
    code = "ValidationError"

    @classmethod
    def policy_not_attachable(cls, arn: str, *, field: str | None = None) -> ValidationError:
        return cls(f"Policy {arn} does not exist or is not attachable.", field=field)


class InvalidInput(IamError):
    code = "InvalidInput"


class MalformedPolicyDocument(IamError):
    code = "MalformedPolicyDocument"


class PasswordPolicyViolation(IamError):
    code = "PasswordPolicyViolation"


class Throttled(IamError):
    code = "Throttling"
    status = 429


class InvalidAuthenticationCode(IamError):
    """A wrong, stale or replayed MFA code (AWS answers 403)."""

    code = "InvalidAuthenticationCode"
    status = 403


class ReportNotPresent(IamError):
    """GetCredentialReport before any GenerateCredentialReport (AWS answers 410)."""

    code = "ReportNotPresent"
    status = 410


class InvalidUserType(IamError):
    """An IAM-user-only call (ChangePassword) made with other credentials (a role session)."""

    code = "InvalidUserType"


class ExpiredToken(IamError):
    """Temporary credentials used after their expiry (STS and every service answer 400)."""

    code = "ExpiredToken"


class PackedPolicyTooLarge(IamError):
    """AssumeRole's session policies and tags do not fit the packed size."""

    code = "PackedPolicyTooLarge"


class InvalidAuthorizationMessage(IamError):
    """DecodeAuthorizationMessage given something it did not encode."""

    code = "InvalidAuthorizationMessageException"


class InvalidLookupAttributes(IamError):
    """LookupEvents with an unknown lookup attribute, or more than one."""

    code = "InvalidLookupAttributesException"

    @classmethod
    def too_many(cls) -> InvalidLookupAttributes:
        return cls("You can only specify one lookup attribute.")

    @classmethod
    def unknown(cls, key: str) -> InvalidLookupAttributes:
        return cls(f"Invalid lookup attribute key: {key}")


class InvalidTimeRange(IamError):
    """LookupEvents whose StartTime is after its EndTime."""

    code = "InvalidTimeRangeException"

    @classmethod
    def reversed(cls) -> InvalidTimeRange:
        return cls("Start time must be before end time.")


class InvalidMaxResults(IamError):
    code = "InvalidMaxResultsException"

    @classmethod
    def out_of_range(cls) -> InvalidMaxResults:
        return cls("MaxResults must be between 1 and 50.")


class InvalidNextToken(IamError):
    code = "InvalidNextTokenException"

    @classmethod
    def invalid(cls) -> InvalidNextToken:
        return cls("Invalid NextToken.")


class NoSuchJob(NoSuchEntity):
    """GetServiceLastAccessedDetails with a job ID this account never generated."""

    @classmethod
    def job(cls, job_id: str) -> NoSuchJob:
        return cls(f"The job with ID {job_id} cannot be found.")

    @classmethod
    def entity(cls, arn: str) -> NoSuchJob:
        return cls(f"The entity {arn} cannot be found.")
