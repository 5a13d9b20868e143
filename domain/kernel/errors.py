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

    @classmethod
    def saml_provider(cls, arn: str) -> NoSuchEntity:
        return cls(f"Manifest not found for arn {arn}")

    @classmethod
    def oidc_provider(cls, arn: str) -> NoSuchEntity:
        return cls(f"OpenIDConnect Provider not found for arn {arn}")


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
    def saml_provider(cls, name: str) -> EntityAlreadyExists:
        return cls(f"SAMLProvider {name} already exists", field="name")

    @classmethod
    def oidc_provider(cls, url: str) -> EntityAlreadyExists:
        return cls(f"Provider with url https://{url} already exists.", field="url")

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


class InvalidIdentityToken(IamError):
    """A web identity token or SAML response that does not verify (STS answers 400)."""

    code = "InvalidIdentityToken"

    @classmethod
    def not_a_jwt(cls) -> InvalidIdentityToken:
        return cls(
            "The ID Token provided is not a valid JWT. (You may see this error if you sent an "
            "Access Token)"
        )

    @classmethod
    def no_key(cls) -> InvalidIdentityToken:
        return cls(
            "Couldn't retrieve verification key from your identity provider,  please reference "
            "AssumeRoleWithWebIdentity documentation for requirements"
        )

    @classmethod
    def no_provider(cls, issuer: str) -> InvalidIdentityToken:
        return cls(f"No OpenIDConnect provider found in your account for {issuer}")

    @classmethod
    def bad_audience(cls) -> InvalidIdentityToken:
        return cls("Incorrect token audience")

    @classmethod
    def saml_signature(cls) -> InvalidIdentityToken:
        return cls("Response signature invalid")

    @classmethod
    def saml_malformed(cls) -> InvalidIdentityToken:
        return cls("Specified SAML response is invalid")

    @classmethod
    def saml_provider(cls) -> InvalidIdentityToken:
        return cls("Specified provider doesn't exist")


class IDPRejectedClaim(IamError):
    """The identity provider's assertion does not allow the call (STS answers 403)."""

    code = "IDPRejectedClaim"
    status = 403


class ExpiredTokenException(IamError):
    """A web identity token or SAML assertion past its expiry (STS answers 400)."""

    code = "ExpiredTokenException"

    @classmethod
    def web_identity(cls) -> ExpiredTokenException:
        return cls("Token expired: current date/time must be before the expiration date/time.")

    @classmethod
    def saml(cls) -> ExpiredTokenException:
        return cls("Assertion is expired.")


class InvalidParameterValue(IamError):
    code = "InvalidParameterValue"


class StackError(IamError):
    """CloudFormation's refusals (lab templates): a template, a parameter or a resource that
    failed. `logical_id` names the failing resource when there is one."""

    code = "ValidationError"
    logical_id = ""

    @classmethod
    def template(cls, message: str, *, logical_id: str = "", field: str = "template") -> StackError:
        error = cls(message, field=field)
        error.logical_id = logical_id
        return error

    @classmethod
    def resource_failed(
        cls, logical_id: str, resource_type: str, reason: str, *, field: str = "template"
    ) -> StackError:
        error = cls(
            f"Resource {logical_id} ({resource_type}) failed: {reason} "
            "The stack was rolled back; nothing was changed.",
            field=field,
        )
        error.logical_id = logical_id
        return error

    @classmethod
    def unrecognized_types(cls, logical_id: str, types: list[str]) -> StackError:
        error = cls(
            f"Template format error: Unrecognized resource types: [{', '.join(types)}]",
            field="template",
        )
        error.logical_id = logical_id
        return error

    @classmethod
    def no_such_parameter(cls, name: str) -> StackError:
        """A dynamic reference `{{resolve:ssm:<name>}}` to a parameter that does not exist."""
        return cls(f"Parameters: [ssm:{name}] cannot be found.", field="template")

    @classmethod
    def already_exists(cls, name: str) -> StackError:
        error = cls(f"Stack [{name}] already exists", field="stack_name")
        error.code = "AlreadyExistsException"
        return error

    @classmethod
    def no_such_stack(cls, name: str) -> StackError:
        error = cls(f"Stack with id {name} does not exist", field="stack_name")
        return error

    @classmethod
    def no_such_class(cls, name: str) -> StackError:
        error = cls(f"The class {name} cannot be found.", field="class")
        error.code = "AccountNotFoundException"
        error.status = 404
        return error

    @classmethod
    def class_exists(cls, name: str) -> StackError:
        error = cls(f"A class named {name} already exists.", field="name")
        error.code = "DuplicateAccountException"
        return error


# --- EC2 ---------------------------------------------------------------------------------


class Ec2Error(IamError):
    """An EC2 error: AWS's code (InvalidInstanceID.NotFound, ...) and message."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.code = code

    @classmethod
    def instance_not_found(cls, instance_ids: list[str]) -> Ec2Error:
        if len(instance_ids) == 1:
            text = f"The instance ID '{instance_ids[0]}' does not exist"
        else:
            text = f"The instance IDs '{', '.join(instance_ids)}' do not exist"
        return cls("InvalidInstanceID.NotFound", text)

    @classmethod
    def malformed_instance_id(cls, value: str) -> Ec2Error:
        return cls("InvalidInstanceID.Malformed", f'Invalid id: "{value}"')

    @classmethod
    def incorrect_state(cls, instance_id: str, verb: str) -> Ec2Error:
        return cls(
            "IncorrectInstanceState",
            f"The instance '{instance_id}' is not in a state from which it can be {verb}.",
        )

    @classmethod
    def image_not_found(cls, image_id: str) -> Ec2Error:
        return cls("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")

    @classmethod
    def malformed_image_id(cls, image_id: str) -> Ec2Error:
        return cls("InvalidAMIID.Malformed", f'Invalid id: "{image_id}" (expecting "ami-...")')

    @classmethod
    def invalid_value(cls, value: str, parameter: str) -> Ec2Error:
        return cls("InvalidParameterValue", f"Invalid value '{value}' for {parameter}.")

    @classmethod
    def parameter(cls, message: str, *, field: str | None = None) -> Ec2Error:
        return cls("InvalidParameterValue", message, field=field)

    @classmethod
    def invalid_instance_profile(cls, value: str, parameter: str) -> Ec2Error:
        return cls(
            "InvalidParameterValue",
            f"Value ({value}) for parameter {parameter} is invalid. "
            "Invalid IAM Instance Profile name",
            field="instance_profile",
        )

    @classmethod
    def association_not_found(cls, association_id: str) -> Ec2Error:
        return cls(
            "InvalidAssociationID.NotFound",
            f"An association with the ID '{association_id}' does not exist",
        )

    @classmethod
    def existing_association(cls, instance_id: str) -> Ec2Error:
        return cls("IncorrectState", f"There is an existing association for instance {instance_id}")

    @classmethod
    def invalid_filter(cls, name: str) -> Ec2Error:
        return cls("InvalidParameterValue", f"The filter '{name}' is invalid")

    @classmethod
    def invalid_next_token(cls, token: str) -> Ec2Error:
        return cls("InvalidNextToken", f"The token '{token}' is invalid.")

    @classmethod
    def missing(cls, name: str) -> Ec2Error:
        return cls("MissingParameter", f"The request must contain the parameter {name}")

    @classmethod
    def invalid_region(cls, region: str) -> Ec2Error:
        return cls("InvalidParameterValue", f"Invalid region: {region}")


class DryRunOperation(IamError):
    """EC2's answer to a write with DryRun=true that would have been allowed."""

    code = "DryRunOperation"
    status = 412

    def __init__(self) -> None:
        super().__init__("Request would have succeeded, but DryRun flag is set.")


class UnauthorizedOperation(AccessDenied):
    """EC2's AccessDenied: "You are not authorized to perform this operation." plus the
    engine's explanation and the encoded authorization failure message."""

    code = "UnauthorizedOperation"
    status = 403

    @classmethod
    def of(cls, denied: AccessDenied, encoded: str | None) -> UnauthorizedOperation:
        text = f"You are not authorized to perform this operation. {denied.message}"
        if encoded:
            text += f" Encoded authorization failure message: {encoded}"
        error = cls(text)
        error.decision = denied.decision
        error.request = denied.request
        error.plain = denied.message
        return error

    plain: str = ""
