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


# --- S3 (the practice S3 service: codes, statuses and messages as Amazon S3 answers) -------


class S3Error(IamError):
    """An S3 error: S3's REST error document carries the code, message and resource."""

    code = "InvalidRequest"
    status = 400


class NoSuchBucket(S3Error):
    code = "NoSuchBucket"
    status = 404

    @classmethod
    def named(cls, name: str) -> NoSuchBucket:
        return cls("The specified bucket does not exist")


class NoSuchKey(S3Error):
    code = "NoSuchKey"
    status = 404

    @classmethod
    def named(cls, key: str) -> NoSuchKey:
        return cls("The specified key does not exist.")


class NoSuchBucketPolicy(S3Error):
    code = "NoSuchBucketPolicy"
    status = 404

    @classmethod
    def of(cls, bucket: str) -> NoSuchBucketPolicy:
        return cls("The bucket policy does not exist")


class NoSuchTagSet(S3Error):
    code = "NoSuchTagSet"
    status = 404

    @classmethod
    def of(cls, bucket: str) -> NoSuchTagSet:
        return cls("The TagSet does not exist")


class BucketAlreadyExists(S3Error):
    code = "BucketAlreadyExists"
    status = 409

    @classmethod
    def named(cls, name: str) -> BucketAlreadyExists:
        return cls(
            "The requested bucket name is not available. The bucket namespace is shared by "
            "all users of the system. Please select a different name and try again.",
            field="name",
        )


class BucketAlreadyOwnedByYou(S3Error):
    code = "BucketAlreadyOwnedByYou"
    status = 409

    @classmethod
    def named(cls, name: str) -> BucketAlreadyOwnedByYou:
        return cls(
            "Your previous request to create the named bucket succeeded and you already own it.",
            field="name",
        )


class BucketNotEmpty(S3Error):
    code = "BucketNotEmpty"
    status = 409

    @classmethod
    def named(cls, name: str) -> BucketNotEmpty:
        return cls("The bucket you tried to delete is not empty")


class IllegalLocationConstraintException(S3Error):
    """CreateBucket sent to a Region's endpoint with a LocationConstraint of another Region
    (or none: only us-east-1 takes no constraint)."""

    code = "IllegalLocationConstraintException"

    @classmethod
    def for_endpoint(cls, constraint: str) -> IllegalLocationConstraintException:
        return cls(
            f"The {constraint or 'unspecified'} location constraint is incompatible for the "
            "region specific endpoint this request was sent to.",
            field="region",
        )


class InvalidLocationConstraint(S3Error):
    """A LocationConstraint of us-east-1: that Region is named by sending none."""

    code = "InvalidLocationConstraint"

    @classmethod
    def invalid(cls) -> InvalidLocationConstraint:
        return cls("The specified location-constraint is not valid", field="region")


class InvalidBucketName(S3Error):
    """The console shows the rule broken beside the name field; the API says S3's sentence."""

    code = "InvalidBucketName"
    LENGTH = "Bucket name must be between 3 and 63 characters long."
    CHARACTERS = (
        "Bucket name can contain only lowercase letters, numbers, periods (.), and hyphens (-)."
    )
    EDGES = "Bucket name must begin and end with a letter or number."
    ADJACENT_PERIODS = "Bucket name must not contain two adjacent periods."
    IP_ADDRESS = "Bucket name must not be formatted as an IP address (for example, 192.168.5.4)."
    RESERVED_PREFIX = "Bucket name must not start with the prefix '{prefix}'."
    RESERVED_SUFFIX = "Bucket name must not end with the suffix '{suffix}'."

    @classmethod
    def rule(cls, message: str) -> InvalidBucketName:
        return cls(message, field="name")


class MalformedPolicy(S3Error):
    code = "MalformedPolicy"

    @classmethod
    def problem(cls, message: str) -> MalformedPolicy:
        return cls(message, field="policy")


class InvalidTag(S3Error):
    code = "InvalidTag"

    @classmethod
    def problem(cls, message: str) -> InvalidTag:
        return cls(message, field="tags")

    DUPLICATE = "Cannot provide multiple Tags with the same key"
    KEY_LENGTH = "The TagKey you have provided is too long, max 128"
    VALUE_LENGTH = "The TagValue you have provided is too long, max 256"
    TOO_MANY = "Object tags cannot be greater than 10"
    BUCKET_TOO_MANY = "Bucket tag count cannot be greater than 50"


class InvalidRange(S3Error):
    code = "InvalidRange"
    status = 416

    @classmethod
    def unsatisfiable(cls) -> InvalidRange:
        return cls("The requested range is not satisfiable")


class EntityTooLarge(S3Error):
    code = "EntityTooLarge"

    @classmethod
    def object(cls, size: int, limit: int) -> EntityTooLarge:
        return cls(
            f"Your proposed upload exceeds the maximum allowed size: {size} bytes is more than "
            f"this installation's object size limit of {limit} bytes.",
            field="file",
        )

    @classmethod
    def account(cls, used: int, size: int, limit: int) -> EntityTooLarge:
        return cls(
            f"Your proposed upload exceeds the maximum allowed size: the account already stores "
            f"{used} bytes and this installation's per-account storage limit is {limit} bytes "
            f"(upload of {size} bytes).",
            field="file",
        )


class InvalidArgument(S3Error):
    code = "InvalidArgument"

    @classmethod
    def of(cls, message: str) -> InvalidArgument:
        return cls(message)

    MAX_KEYS = "Provided max-keys not an integer or within integer range"
    CONTINUATION = "The continuation token provided is incorrect"
    KEY_TOO_LONG = "Your key is too long"
    COPY_SOURCE = "Invalid copy source object key"
    COPY_TO_ITSELF = (
        "This copy request is illegal because it is trying to copy an object to itself without "
        "changing the object's metadata, storage class, website redirect location or "
        "encryption attributes."
    )


def s3_access_denied(message: str = "Access Denied") -> AccessDenied:
    """S3's AccessDenied (the API's short sentence when no decision explains it)."""
    return AccessDenied(message)


NO_RESOURCE_POLICY = (
    'User: {arn} is not authorized to perform: {action} on resource: "{resource}" '
    "because no resource-based policy allows the {action} action"
)


class NoSuchUpload(S3Error):
    code = "NoSuchUpload"
    status = 404

    @classmethod
    def of(cls, upload_id: str) -> NoSuchUpload:
        return cls(
            "The specified upload does not exist. The upload ID may be invalid, or the upload "
            "may have been aborted or completed."
        )


class InvalidPart(S3Error):
    code = "InvalidPart"

    @classmethod
    def missing(cls) -> InvalidPart:
        return cls(
            "One or more of the specified parts could not be found.  The part may not have been "
            "uploaded, or the specified entity tag may not have matched the part's entity tag."
        )


class InvalidPartOrder(S3Error):
    code = "InvalidPartOrder"

    @classmethod
    def unordered(cls) -> InvalidPartOrder:
        return cls(
            "The list of parts was not in ascending order. Parts must be ordered by part number."
        )


class EntityTooSmall(S3Error):
    code = "EntityTooSmall"

    @classmethod
    def part(cls) -> EntityTooSmall:
        return cls("Your proposed upload is smaller than the minimum allowed object size.")


# What S3's console says when a call is denied: a title, a sentence, and the API's answer.
S3_CONSOLE_DENIALS: dict[str, tuple[str, str]] = {
    "s3:ListBuckets": (
        "You don't have permissions to list buckets",
        "After you or your AWS administrator has updated your permissions to allow the "
        "s3:ListAllMyBuckets action, refresh the page.",
    ),
    "s3:CreateBucket": (
        "Failed to create bucket",
        "To create a bucket, the s3:CreateBucket permission is required.",
    ),
    "s3:ListObjectsV2": (
        "Insufficient permissions to list objects",
        "After you or your AWS administrator has updated your permissions to allow the "
        "s3:ListBucket action, refresh the page.",
    ),
    "s3:GetBucketPolicy": (
        "You don't have permission to get the bucket policy",
        "After you or your AWS administrator has updated your permissions to allow the "
        "s3:GetBucketPolicy action, refresh the page.",
    ),
    "s3:PutBucketPolicy": (
        "Failed to edit bucket policy",
        "To edit the bucket policy, the s3:PutBucketPolicy permission is required.",
    ),
    "s3:PutObject": (
        "Upload failed",
        "To upload objects, the s3:PutObject permission is required.",
    ),
    "s3:GetObject": (
        "Failed to download object",
        "To download objects, the s3:GetObject permission is required.",
    ),
    "s3:DeleteObjects": (
        "Failed to delete objects",
        "To delete objects, the s3:DeleteObject permission is required.",
    ),
    "s3:DeleteBucket": (
        "Failed to delete bucket",
        "To delete a bucket, the s3:DeleteBucket permission is required.",
    ),
    "s3:PutBucketTagging": (
        "Failed to edit bucket tags",
        "To edit bucket tags, the s3:PutBucketTagging permission is required.",
    ),
    "s3:GetBucketTagging": (
        "You don't have permission to get bucket tags",
        "After you or your AWS administrator has updated your permissions to allow the "
        "s3:GetBucketTagging action, refresh the page.",
    ),
}


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
