"""One endpoint for every AWS service, on the console's own port.

A SigV4-signed request (Authorization header or presigned query) is the API's whatever its
path: it is routed by its credential scope's service through SERVICES and answered here,
before sessions, CSRF and the console's sign-in ever see it. Every other request goes on
to the console. So `AWS_ENDPOINT_URL=http://127.0.0.1:8000` works for the CLI and boto3
while browsers keep the console.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.model import OperationModel, ServiceModel
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from api import (
    cloudtrail_actions,
    ec2_actions,
    iam_account_details,
    iam_actions,
    iam_identity_providers,
    iam_instance_profiles,
    iam_last_accessed,
    iam_mfa,
    imds,
    protocol,
    s3_rest,
    sigv4,
    sts_actions,
)
from api.errors import INVALID_CLIENT_TOKEN, ApiError, document, ec2_document, from_exception
from api.iam_actions import Handler
from domain.iam import test_account
from domain.kernel import calls, credentials
from domain.kernel.actors import Actor, client_ip
from domain.kernel.errors import EntityTooLarge
from domain.s3 import objects as s3_objects

logger = logging.getLogger(__name__)

# The documented reset endpoint of IAM_API_AUTH=off (and moto's path for the same thing,
# so test suites written for moto reset this server too).
# aws-chunked framing around the largest object: chunk headers and signatures, trailers.
MAX_CHUNK_OVERHEAD = 1024 * 1024
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
        | iam_account_details.ACTIONS
        | iam_identity_providers.ACTIONS
        | iam_last_accessed.ACTIONS,
    ),
    "sts": Service("sts", sts_actions.ACTIONS),
    "ec2": Service("ec2", ec2_actions.ACTIONS),
    "cloudtrail": Service("cloudtrail", cloudtrail_actions.ACTIONS),
}
# S3 speaks REST-XML, not the Query protocol: `handle` sends it to api/s3_rest.py.


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
        if request.path.startswith(imds.PREFIX):
            return imds.handle(request)
        try:
            signed = sigv4.recognise(request)
        except ApiError as error:
            return error_response("", error, protocol.request_id())
        if signed is None:
            if is_unsigned_sts_call(request):
                return handle_unsigned(request)
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


def is_unsigned_sts_call(request: HttpRequest) -> bool:
    """AssumeRoleWithWebIdentity and AssumeRoleWithSAML, which AWS answers unsigned (the
    token or SAML response is the credential): a form POST to / naming one of them."""
    return (
        request.path == "/"
        and request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
        and request.POST.get("Action") in sts_actions.UNSIGNED_ACTIONS
    )


def handle_unsigned(request: HttpRequest) -> HttpResponse:
    rid = protocol.request_id()
    model = protocol.service_model("sts")
    namespace = model.metadata.get("xmlNamespace", "")
    try:
        params = request.POST.dict()
        action = params["Action"]
        version = params.get("Version") or model.api_version
        if version != model.api_version:
            raise ApiError(
                "InvalidAction", f"Could not find operation {action} for version {version}"
            )
        op = protocol.operation("sts", action)
        assert op is not None  # every unsigned action is in STS's model
        result = sts_actions.UNSIGNED_ACTIONS[action](protocol.parse(op, params))
        body = protocol.serialize("sts", op, result, rid)
    except Exception as exc:
        error = from_exception(exc)
        if error is None:
            logger.exception("AWS API request %s failed", rid)
            error = ApiError("ServiceFailure", "An internal error occurred.", status=500)
        return error_response(namespace, error, rid)
    return HttpResponse(body, content_type="text/xml", headers={"x-amzn-RequestId": rid})


def handle(request: HttpRequest, signed: sigv4.Signed) -> HttpResponse:
    rid = protocol.request_id()
    info = calls.Request(
        request_id=rid,
        user_agent=request.headers.get("user-agent", ""),
        access_key_id=signed.access_key_id,
        region=signed.region,
    )
    with calls.request(info):
        if signed.service == "s3":
            return handle_s3(request, signed, rid)
        return _answer(request, signed, info)


def _answer(request: HttpRequest, signed: sigv4.Signed, info: calls.Request) -> HttpResponse:
    rid = info.request_id
    service = SERVICES.get(signed.service)
    if service is None:
        unavailable = ApiError(
            "InvalidAction", f"The service {signed.service} is not available on this endpoint."
        )
        return error_response("", unavailable, rid)
    model = protocol.service_model(service.model)
    wire = WIRES.get(model.metadata.get("protocol", ""), QUERY_WIRE)
    actor: Actor | None = None
    called = False
    try:
        actor = authenticate(request, signed)
        op, params = wire.read(request, service)
        info.parameters = params
        called = True
        result = service.actions[op.name](actor, params)
        body = wire.write(service.model, op, result, rid)
    except Exception as exc:
        error = from_exception(exc)
        if error is None:
            logger.exception("AWS API request %s failed", rid)
            error = ApiError("ServiceFailure", "An internal error occurred.", status=500)
        elif not called:
            _record_refusal(request, signed, wire, actor, error)
        return wire.error(model, error, rid)
    return HttpResponse(body, content_type=wire.content_type, headers={"x-amzn-RequestId": rid})


def _record_refusal(
    request: HttpRequest,
    signed: sigv4.Signed,
    wire: QueryWire,
    actor: Actor | None,
    error: ApiError,
) -> None:
    """A request refused before its operation ran is an event of the key owner's account
    (an unknown key records nothing)."""
    if actor is None and not auth_is_off():
        actor = credentials.key_owner(
            signed.access_key_id,
            signed.session_token,
            now=datetime.now(UTC),
            source_ip=client_ip(request),
            secure_transport=request.is_secure(),
            requested_region=signed.region,
        )
    if actor is not None:
        action = wire.action_of(request)
        credentials.record_refusal(actor, signed.service, action, error.code, error.message)


class QueryWire:
    """AWS's Query protocol (IAM, STS): form parameters in, XML out."""

    content_type = "text/xml"

    def action_of(self, request: HttpRequest) -> str:
        """The action a request asks for, whether or not it exists."""
        return request.POST.get("Action") or request.GET.get("Action") or ""

    def read(self, request: HttpRequest, service: Service) -> tuple[OperationModel, dict[str, Any]]:
        params = {**request.GET.dict(), **request.POST.dict()}
        action = params.get("Action", "")
        version = params.get("Version") or protocol.service_model(service.model).api_version
        op = _operation(service, action, version)
        return op, protocol.parse(op, params)

    def write(self, service: str, op: OperationModel, result: Any, rid: str) -> str:
        return protocol.serialize(service, op, result, rid)

    def error(self, model: ServiceModel, error: ApiError, rid: str) -> HttpResponse:
        return error_response(model.metadata.get("xmlNamespace", ""), error, rid)


class JsonWire(QueryWire):
    """AWS's JSON protocol (CloudTrail): `X-Amz-Target: <prefix>.<Action>`, JSON in and out."""

    content_type = "application/x-amz-json-1.1"

    def action_of(self, request: HttpRequest) -> str:
        return request.headers.get("x-amz-target", "").rpartition(".")[2]

    def read(self, request: HttpRequest, service: Service) -> tuple[OperationModel, dict[str, Any]]:
        model = protocol.service_model(service.model)
        prefix, _, action = request.headers.get("x-amz-target", "").rpartition(".")
        expected = model.metadata.get("targetPrefix", "")
        op = _operation(service, action if prefix == expected else "", model.api_version)
        return op, protocol.parse_json(op, request.body)

    def write(self, service: str, op: OperationModel, result: Any, rid: str) -> str:
        return protocol.serialize_json(op, result)

    def error(self, model: ServiceModel, error: ApiError, rid: str) -> HttpResponse:
        # JSON services name the model's constraint failures ValidationException.
        code = "ValidationException" if error.code == "ValidationError" else error.code
        return HttpResponse(
            json.dumps({"__type": code, "message": error.message}),
            status=error.status,
            content_type=self.content_type,
            headers={"x-amzn-RequestId": rid, "x-amzn-ErrorType": code},
        )


class Ec2Wire(QueryWire):
    """EC2's dialect of the Query protocol: its errors come in their own document
    (<Response><Errors>...)."""

    def error(self, model: ServiceModel, error: ApiError, rid: str) -> HttpResponse:
        return error_response("ec2", error, rid)


QUERY_WIRE = QueryWire()
# By the botocore model's `protocol`; anything else speaks Query.
WIRES: dict[str, QueryWire] = {"json": JsonWire(), "ec2": Ec2Wire()}


def _operation(service: Service, action: str, version: str) -> OperationModel:
    model = protocol.service_model(service.model)
    op = protocol.operation(service.model, action) if action else None
    if op is None or action not in service.actions or version != model.api_version:
        raise ApiError("InvalidAction", f"Could not find operation {action} for version {version}")
    return op


def handle_s3(request: HttpRequest, signed: sigv4.Signed, rid: str) -> HttpResponse:
    """S3's REST-XML door (api/s3_rest.py): its payload is read here, whatever its size (up to
    the object limit), and an aws-chunked upload is decoded with its chunk signatures."""
    try:
        length = request.META.get("CONTENT_LENGTH") or "0"
        declared = int(length) if length.isdigit() else 0
        if declared > s3_objects.max_object_bytes() + MAX_CHUNK_OVERHEAD:
            raise EntityTooLarge.object(declared, s3_objects.max_object_bytes())
        raw = request.read()
        # Django's request.body (read by the signature check) is this payload.
        request._body = raw  # set before anything reads it
        actor, secret = authenticate_with_secret(request, signed)
        body = sigv4.decode_chunked(signed, request, secret) if sigv4.is_streaming(request) else raw
    except Exception as exc:
        error = from_exception(exc)
        if error is None:
            logger.exception("S3 request %s failed", rid)
            error = ApiError("InternalError", "We encountered an internal error.", status=500)
        return s3_rest.error_response(request, error, request.path, rid)
    return s3_rest.handle(request, actor, body, rid)


def authenticate(request: HttpRequest, signed: sigv4.Signed) -> Actor:
    """The Actor a signed request acts as, once its key, clock and signature check out."""
    return authenticate_with_secret(request, signed)[0]


def authenticate_with_secret(
    request: HttpRequest, signed: sigv4.Signed
) -> tuple[Actor, str | None]:
    """authenticate's Actor and the secret that signed the request (None when unchecked)."""
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
            return test_account.test_root_actor(**facts), None
        return credential.actor(**facts), None  # type: ignore[arg-type]
    if credential is None or not credential.accepted_by(signed.service):
        raise ApiError("InvalidClientTokenId", INVALID_CLIENT_TOKEN)
    sigv4.check_time(signed, now)
    sigv4.verify(signed, request, credential.secret)
    credentials.record_key_use(credential, service=signed.service, region=signed.region, now=now)
    return credential.actor(**facts), credential.secret  # type: ignore[arg-type]


def error_response(namespace: str, error: ApiError, rid: str) -> HttpResponse:
    body = ec2_document(error, rid) if namespace == "ec2" else document(namespace, error, rid)
    status = 401 if namespace == "ec2" and error.code == "InvalidClientTokenId" else error.status
    return HttpResponse(
        body,
        status=status,
        content_type="text/xml",
        headers={"x-amzn-RequestId": rid},
    )
