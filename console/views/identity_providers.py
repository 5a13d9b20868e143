"""Identity providers, as AWS's console shows them: the list, Add provider (SAML with its
metadata document, OpenID Connect with its URL, audience and signing keys), a provider's
page (audiences, metadata, thumbprints, keys, tags) and delete with confirmation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import OpenIDConnectProvider, SAMLProvider
from console.forms import add_service_error
from console.forms.identity_providers import AddProviderForm, ConfirmDeleteForm, read_upload
from domain.iam import identity_providers as idp
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError, InvalidInput

Provider = SAMLProvider | OpenIDConnectProvider


def provider_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, Any] = {"nav": "identity_providers", "rows": []}
    try:
        saml = idp.list_saml_providers(actor)
        oidc = idp.list_open_id_connect_providers(actor)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    else:
        rows: list[tuple[str, str, str, Provider]] = [("saml", p.name, "SAML", p) for p in saml]
        rows += [("oidc", p.url, "OpenID Connect", p) for p in oidc]
        ctx["rows"] = sorted(rows, key=lambda row: row[1].lower())
    return render(request, "accounts/identity_providers/list.html", ctx)


def _create(actor: Actor, form: AddProviderForm, files: Any) -> Provider:
    data = form.cleaned_data
    tags = [(data["tag_key"], data["tag_value"])] if data["tag_key"] else []
    if data["provider_type"] == "saml":
        document = read_upload(files.get("metadata"))
        if document is None:
            raise InvalidInput("Choose a metadata document (an XML file).", field="metadata")
        return idp.create_saml_provider(
            actor=actor, name=data["name"], saml_metadata_document=document, tags=tags
        )
    audience = data["audience"].strip()
    if not audience:
        raise InvalidInput("Enter an audience (the client ID of your app).", field="audience")
    return idp.create_open_id_connect_provider(
        actor=actor, url=data["url"].strip(), client_ids=[audience], tags=tags, jwks=data["jwks"]
    )


def provider_create(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    form = AddProviderForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = _create(actor, form, request.FILES)
        except IamError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Provider {_label(provider)} added.")
            return redirect(_detail_url(provider))
    ctx = {"nav": "identity_providers", "form": form}
    return render(request, "accounts/identity_providers/create.html", ctx)


def _label(provider: Provider) -> str:
    return provider.name if isinstance(provider, SAMLProvider) else provider.url


def _detail_url(provider: Provider) -> str:
    kind = "saml" if isinstance(provider, SAMLProvider) else "oidc"
    return reverse("idp_detail", args=[kind, _label(provider)])


def _provider(actor: Actor, kind: str, name: str) -> Provider:
    try:
        if kind == "saml":
            return idp.get_saml_provider(actor, idp.saml_provider_arn(actor.account.id, name))
        if kind == "oidc":
            return idp.get_open_id_connect_provider(
                actor, idp.oidc_provider_arn(actor.account.id, name)
            )
    except IamError as error:
        if error.code == "NoSuchEntity":
            raise Http404(error.message) from None
        raise
    raise Http404("No such provider type.")


def provider_detail(request: HttpRequest, kind: str, name: str) -> HttpResponse:
    actor = actor_for(request)
    try:
        provider = _provider(actor, kind, name)
    except AccessDenied as denied:
        shown = {"nav": "identity_providers", "denied": denied.message, "name": name}
        return render(request, "accounts/identity_providers/detail.html", shown, status=403)
    ctx: dict[str, Any] = {
        "nav": "identity_providers",
        "provider": provider,
        "kind": kind,
        "name": name,
        "delete_form": ConfirmDeleteForm(),
        "signin_url": request.build_absolute_uri(reverse("saml_signin")),
    }
    return render(request, "accounts/identity_providers/detail.html", ctx)


def _act(actor: Actor, provider: Provider, op: str, request: HttpRequest) -> str:
    """One change on the provider's page; the success message."""
    post = request.POST
    if isinstance(provider, SAMLProvider):
        if op == "replace_metadata":
            document = read_upload(request.FILES.get("metadata"))
            if document is None:
                raise InvalidInput("Choose a metadata document (an XML file).", field="metadata")
            idp.update_saml_provider(
                actor=actor, provider=provider, saml_metadata_document=document
            )
            return "Metadata document replaced."
        if op == "add_tag":
            idp.tag_saml_provider(actor=actor, provider=provider, tags=_tag(post))
            return "Tag added."
        if op == "remove_tag":
            idp.untag_saml_provider(actor=actor, provider=provider, keys=[post.get("key", "")])
            return "Tag removed."
        raise Http404("No such change.")
    if op == "add_audience":
        idp.add_client_id_to_open_id_connect_provider(
            actor=actor, provider=provider, client_id=post.get("audience", "").strip()
        )
        return "Audience added."
    if op == "remove_audience":
        idp.remove_client_id_from_open_id_connect_provider(
            actor=actor, provider=provider, client_id=post.get("audience", "")
        )
        return "Audience removed."
    if op == "thumbprints":
        prints = [line.strip() for line in post.get("thumbprints", "").splitlines() if line.strip()]
        idp.update_open_id_connect_provider_thumbprint(
            actor=actor, provider=provider, thumbprints=prints
        )
        return "Thumbprints updated."
    if op == "jwks":
        idp.update_open_id_connect_provider_keys(
            actor=actor, provider=provider, jwks=post.get("jwks", "")
        )
        return "Signing keys updated."
    if op == "add_tag":
        idp.tag_open_id_connect_provider(actor=actor, provider=provider, tags=_tag(post))
        return "Tag added."
    if op == "remove_tag":
        idp.untag_open_id_connect_provider(
            actor=actor, provider=provider, keys=[post.get("key", "")]
        )
        return "Tag removed."
    raise Http404("No such change.")


def _tag(post: Any) -> list[tuple[str, str]]:
    return [(post.get("tag_key", "").strip(), post.get("tag_value", ""))]


@require_POST
def provider_action(request: HttpRequest, kind: str, name: str) -> HttpResponse:
    actor = actor_for(request)
    try:
        provider = _provider(actor, kind, name)
        done = _act(actor, provider, request.POST.get("op", ""), request)
    except IamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(reverse("idp_detail", args=[kind, name]))


@require_POST
def provider_delete(request: HttpRequest, kind: str, name: str) -> HttpResponse:
    actor = actor_for(request)
    form = ConfirmDeleteForm(request.POST)
    form.is_valid()
    try:
        provider = _provider(actor, kind, name)
    except IamError as error:
        messages.error(request, error.message)
        return redirect("idp_list")
    if form.cleaned_data.get("confirm", "").strip() != name:
        messages.error(request, f"To delete the provider, enter {name}.")
        return redirect(reverse("idp_detail", args=[kind, name]))
    try:
        if isinstance(provider, SAMLProvider):
            idp.delete_saml_provider(actor=actor, provider=provider)
        else:
            idp.delete_open_id_connect_provider(actor=actor, provider=provider)
    except IamError as error:
        messages.error(request, error.message)
        return redirect(reverse("idp_detail", args=[kind, name]))
    messages.success(request, f"Provider {name} deleted.")
    return redirect("idp_list")
