"""A console session that came from a SAML sign-in (AWS's https://signin.aws.amazon.com/saml).

The federated person has no IAM user: the browser session is anchored to the role's
account and acts only as the role session AssumeRoleWithSAML issued, kept the way Switch
role keeps its credentials (flagged `federated`). There is nothing to switch back to: when
the session expires, or anything would end it, the browser session is signed out whole.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest

from console.flows import switch_role
from domain.iam import sts

FEDERATED = "federated"


def start(request: HttpRequest, federated: sts.FederatedRole) -> None:
    """Signs the browser in as the role session (no last-login is recorded for anyone)."""
    assumed = federated.assumed
    role = assumed.role
    anchor = sts.federation_anchor(role)
    request.session.flush()
    # auth.login() would record a sign-in of the anchor; this is a role session's, so the
    # browser session is bound to the anchor the way login() binds it, without the signal.
    request.session[auth.SESSION_KEY] = str(anchor.pk)
    request.session[auth.BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    request.session[auth.HASH_SESSION_KEY] = anchor.get_session_auth_hash()
    request.session[switch_role.SESSION_KEY] = {
        "key": assumed.credentials.access_key_id,
        "token": assumed.credentials.session_token,
        "display": f"{role.name}/{assumed.arn.rsplit('/', 1)[-1]}",
        "color": "",
        "account": role.account_id,
        "role": role.name,
        "arn": assumed.arn,
        FEDERATED: True,
        "expires": assumed.credentials.expiration.isoformat(),
        "expires_display": f"{assumed.credentials.expiration:%Y-%m-%d %H:%M} UTC",
        "subject": federated.subject,
        "issuer": federated.issuer,
    }
    request.user = anchor


def is_federated(request: HttpRequest) -> bool:
    data = switch_role.current(request)
    return bool(data and data.get(FEDERATED))
