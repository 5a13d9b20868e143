"""The instance metadata service's door: /ec2-imds/<secret>/latest/... on the console's port.

`AWS_EC2_METADATA_SERVICE_ENDPOINT=http://host:port/ec2-imds/<secret>/` makes botocore (and
so the CLI) fetch an IMDSv2 token (PUT latest/api/token), the role name (GET
latest/meta-data/iam/security-credentials/) and the credentials (.../<role>) here, as on an
instance. Only token-carrying (IMDSv2) reads are answered, as with HttpTokens=required.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

from api.protocol import iso8601
from domain.ec2 import imds

PREFIX = "/ec2-imds/"
TOKEN_TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "x-aws-ec2-metadata-token"
CREDENTIALS_PATH = "latest/meta-data/iam/security-credentials/"


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain")


def handle(request: HttpRequest) -> HttpResponse:
    secret, _, path = request.path[len(PREFIX) :].partition("/")
    now = datetime.now(UTC)
    instance = imds.metadata_instance(secret, now)
    if instance is None:
        return _text("Not Found", 404)
    if path == "latest/api/token":
        if request.method != "PUT":
            return _text("Method Not Allowed", 405)
        ttl = request.headers.get(TOKEN_TTL_HEADER, "")
        token = imds.metadata_token(instance, int(ttl), now) if ttl.isdigit() else None
        return _text("Bad Request", 400) if token is None else _text(token)
    if request.method != "GET":
        return _text("Method Not Allowed", 405)
    if not imds.token_is_valid(instance, request.headers.get(TOKEN_HEADER, ""), now):
        return _text("Unauthorized", 401)
    role = imds.role_name(instance)
    answers = {
        "latest/meta-data/instance-id": instance.instance_id,
        "latest/meta-data/instance-type": instance.instance_type,
        "latest/meta-data/ami-id": instance.image_id,
        "latest/meta-data/local-ipv4": instance.private_ip,
        "latest/meta-data/placement/availability-zone": instance.availability_zone,
        "latest/meta-data/placement/region": instance.region,
    }
    if path.rstrip("/") in answers:
        return _text(answers[path.rstrip("/")])
    if path == CREDENTIALS_PATH or path == CREDENTIALS_PATH.rstrip("/"):
        return _text(role) if role else _text("Not Found", 404)
    if role and path == CREDENTIALS_PATH + role:
        credentials = imds.instance_credentials(instance, now)
        if credentials is None:
            return _text("Not Found", 404)
        body = {
            "Code": "Success",
            "LastUpdated": iso8601(credentials.last_updated),
            "Type": "AWS-HMAC",
            "AccessKeyId": credentials.access_key_id,
            "SecretAccessKey": credentials.secret_access_key,
            "Token": credentials.token,
            "Expiration": iso8601(credentials.expiration),
        }
        return HttpResponse(json.dumps(body, indent=2), content_type="text/plain")
    return _text("Not Found", 404)
