"""AWS's error document and HTTP status for every error the API returns, in one place.

The operations raise domain.kernel.errors' typed errors (they carry AWS's code) and readers
raise Http404 for another account's object or no object; `from_exception` maps each to the
code, status and message AWS would send. Errors of the door itself (signature, protocol)
are `ApiError`s with a code from STATUS.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.http import Http404

from domain.kernel.errors import IamError

# AWS's HTTP status for each error code (IAM's and STS's documented errors, and the
# common errors of every Query API).
STATUS: dict[str, int] = {
    "AccessDenied": 403,
    "AccessDeniedException": 403,
    "ConcurrentModification": 409,
    "DryRunOperation": 412,
    "InvalidInstanceID.NotFound": 400,
    "UnauthorizedOperation": 403,
    "DeleteConflict": 409,
    "EntityAlreadyExists": 409,
    "EntityTemporarilyUnmodifiable": 409,
    "ExpiredToken": 400,
    "ExpiredTokenException": 400,
    "IDPRejectedClaim": 403,
    "InvalidIdentityToken": 400,
    "IncompleteSignature": 400,
    "InvalidAction": 400,
    "InvalidAuthorizationMessageException": 400,
    "InvalidAuthenticationCode": 403,
    "InvalidClientTokenId": 403,
    "InvalidInput": 400,
    "InvalidParameterCombination": 400,
    "InvalidParameterValue": 400,
    "InvalidQueryParameter": 400,
    "InvalidUserType": 400,
    "KeyPairMismatch": 400,
    "LimitExceeded": 409,
    "MalformedPolicyDocument": 400,
    "MalformedQueryString": 404,
    "MissingAction": 400,
    "MissingAuthenticationToken": 403,
    "MissingParameter": 400,
    "NoSuchEntity": 404,
    "OptInRequired": 403,
    "PackedPolicyTooLarge": 400,
    "PasswordPolicyViolation": 400,
    "PolicyEvaluation": 500,
    "PolicyNotAttachable": 400,
    "ReportNotPresent": 410,
    "ReportExpired": 410,
    "RequestExpired": 400,
    "ServiceFailure": 500,
    "ServiceUnavailable": 503,
    "SignatureDoesNotMatch": 403,
    "Throttling": 400,
    "UnmodifiableEntity": 400,
    "ValidationError": 400,
}

SIGNATURE_DOES_NOT_MATCH = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method. Consult the service documentation for "
    "details."
)
INVALID_CLIENT_TOKEN = "The security token included in the request is invalid."


class ApiError(Exception):
    """An error of the door itself (signature, protocol, parameters) with AWS's code."""

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else STATUS.get(code, 400)


def from_exception(error: Exception) -> ApiError | None:
    """The AWS error for an exception the operations raise; None for a bug (a 500)."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, IamError):
        return ApiError(error.code, error.message, status=STATUS.get(error.code, error.status))
    if isinstance(error, Http404):
        return ApiError("NoSuchEntity", str(error) or "The entity cannot be found.")
    return None


EC2_AUTH_FAILURE = "AWS was not able to validate the provided access credentials"


def ec2_document(error: ApiError, rid: str) -> str:
    """EC2's error document: `<Response><Errors><Error>...</Errors><RequestID>`. EC2 calls
    an unknown access key AuthFailure."""
    if error.code == "InvalidClientTokenId":
        error = ApiError("AuthFailure", EC2_AUTH_FAILURE, status=401)
    return (
        f"<Response><Errors><Error><Code>{escape(error.code)}</Code>"
        f"<Message>{escape(error.message)}</Message></Error></Errors>"
        f"<RequestID>{rid}</RequestID></Response>"
    )


def document(namespace: str, error: ApiError, rid: str) -> str:
    """AWS's Query-protocol error document (Sender for 4xx, Receiver for 5xx)."""
    kind = "Receiver" if error.status >= 500 else "Sender"
    return (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
        f"</Error><RequestId>{rid}</RequestId></ErrorResponse>"
    )
