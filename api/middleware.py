"""One endpoint for every AWS service, on the console's own port.

A SigV4-signed request (Authorization header or presigned query) is the API's whatever its
path: it is routed by its credential scope's service through SERVICES and answered here,
before sessions, CSRF and the console's sign-in ever see it. Every other request goes on
to the console. So `AWS_ENDPOINT_URL=http://127.0.0.1:8000` works for the CLI and boto3
while browsers keep the console.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from api import (
    iam_account_details,
    iam_actions,
    iam_instance_profiles,
    iam_mfa,
    protocol,
    sigv4,
    sts_actions,
)
from api.errors import INVALID_CLIENT_TOKEN, ApiError, document, from_exception
from api.iam_actions import Handler
from domain.iam import test_account
from domain.kernel import calls, credentials
from domain.kernel.actors import Actor, client_ip

logger = logging.getLogger(__name__)

# The documented reset endpoint of IAM_API_AUTH=off (and moto's path for the same thing,
# so test suites written for moto reset this server too).
RESET_PATHS = ("/_api/reset", "/moto-api/reset")


@dataclass(frozen=True)
class Service:
    """A service this endpoint answers: its botocore model and its action table."""

    model: str
    actions: dict[str, Handler]


# The router: the credential scope's service -> its door. S3 and EC2 join here.
SERVICES: dict[str, Service] = {
    "iam": Service(
        "iam",
        iam_actions.ACTIONS
        | iam_mfa.ACTIONS
        | iam_instance_profiles.ACTIONS
        | iam_account_details.ACTIONS,
    ),
    "sts": Service("sts", sts_actions.ACTIONS),
}


def auth_is_off() -> bool:
    return getattr(settings, "IAM_API_AUTH", "enforce") == "off"


class AwsApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        if auth_is_off():
            logger.warning(
                "IAM_API_AUTH=off: the AWS API checks NO signatures and unknown access keys act "
                "as the root user of account %s. Never expose this server.",
                test_account.TEST_ACCOUNT_ID,
            )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in RESET_PATHS and auth_is_off():
            return reset(request)
        try:
            signed = sigv4.recognise(request)
        except ApiError as error:
            return error_response("", error, protocol.request_id())
        if signed is None:
            return self.get_response(request)
        return handle(request, signed)


def reset(request: HttpRequest) -> HttpResponse:
    """POST /_api/reset (IAM_API_AUTH=off only): empties account 123456789012."""
    if request.method != "POST":
        return HttpResponse(
            "POST to reset the test account.\n", status=405, content_type="text/plain"
        )
    test_account.reset_test_account()
    return HttpResponse('{"status": "ok"}', content_type="application/json")


def handle(request: HttpRequest, signed: sigv4.Signed) -> HttpResponse:
    rid = protocol.request_id()
    info = calls.Request(
        request_id=rid,
        user_agent=request.headers.get("user-agent", ""),
        access_key_id=signed.access_key_id,
        region=signed.region,
    )
    with calls.request(info):
        return _answer(request, signed, rid)


def _answer(request: HttpRequest, signed: sigv4.Signed, rid: str) -> HttpResponse:
    service = SERVICES.get(signed.service)
    if service is None:
        unavailable = ApiError(
            "InvalidAction", f"The service {signed.service} is not available on this endpoint."
        )
        return error_response("", unavailable, rid)
    model = protocol.service_model(service.model)
    namespace = model.metadata.get("xmlNamespace", "")
    try:
        params = {**request.GET.dict(), **request.POST.dict()}
        actor = authenticate(request, signed)
        action = params.get("Action", "")
        version = params.get("Version") or model.api_version
        op = protocol.operation(service.model, action) if action else None
        handler = service.actions.get(action)
        if op is None or handler is None or version != model.api_version:
            raise ApiError(
                "InvalidAction", f"Could not find operation {action} for version {version}"
            )
        result = handler(actor, protocol.parse(op, params))
        body = protocol.serialize(service.model, op, result, rid)
    except Exception as exc:
        error = from_exception(exc)
        if error is None:
            logger.exception("AWS API request %s failed", rid)
            error = ApiError("ServiceFailure", "An internal error occurred.", status=500)
        return error_response(namespace, error, rid)
    return HttpResponse(body, content_type="text/xml", headers={"x-amzn-RequestId": rid})


def authenticate(request: HttpRequest, signed: sigv4.Signed) -> Actor:
    """The Actor a signed request acts as, once its key, clock and signature check out."""
    now = datetime.now(UTC)
    # Temporary credentials past their expiry raise ExpiredToken here, in both modes.
    credential = credentials.resolve_access_key(signed.access_key_id, signed.session_token, now=now)
    facts = {
        "source_ip": client_ip(request),
        "secure_transport": request.is_secure(),
        "requested_region": signed.region,
        "now": now,
    }
    if auth_is_off():
        if credential is None:
            return test_account.test_root_actor(**facts)
        return credential.actor(**facts)  # type: ignore[arg-type]
    if credential is None or not credential.accepted_by(signed.service):
        raise ApiError("InvalidClientTokenId", INVALID_CLIENT_TOKEN)
    sigv4.check_time(signed, now)
    sigv4.verify(signed, request, credential.secret)
    credentials.record_key_use(credential, service=signed.service, region=signed.region, now=now)
    return credential.actor(**facts)  # type: ignore[arg-type]


def error_response(namespace: str, error: ApiError, rid: str) -> HttpResponse:
    return HttpResponse(
        document(namespace, error, rid),
        status=error.status,
        content_type="text/xml",
        headers={"x-amzn-RequestId": rid},
    )
