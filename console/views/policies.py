"""The Policies list and a policy's page: Permissions, Entities attached, Tags, Policy
versions (with Compare)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console.flows import list_preferences, summary_cache
from console.flows.last_accessed import last_accessed_context
from console.forms.policies import ConfirmForm
from console.http import HtmxHttpRequest
from console.links import policy_url
from domain.iam import access
from domain.iam import policies as policy_services
from domain.iam import policy_listing as listing
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError, ValidationError
from policies import version_diff
from policies.models import ManagedPolicy

TABS = [
    ("permissions", "Permissions"),
    ("entities", "Entities attached"),
    ("last_accessed", "Last accessed"),
    ("tags", "Tags"),
    ("versions", "Policy versions"),
]


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def policy_list(request: HtmxHttpRequest) -> HttpResponse:
    actor = actor_for(request)
    type_filter = request.GET.get("type", "all")
    type_filter = type_filter if type_filter in listing.TYPE_FILTERS else "all"
    search = request.GET.get("q", "").strip()[:128]
    used = request.GET.get("used", "")
    ctx: dict[str, Any] = {"nav": "policies", "type": type_filter, "q": search, "used": used}
    ctx["type_filters"] = listing.TYPE_FILTERS
    ctx["prefs"] = prefs = list_preferences.load(request, list_preferences.POLICIES)
    try:
        queryset = listing.list_policies(actor, type_filter=type_filter, search=search, used=used)
        paginator = Paginator(queryset, list_preferences.page_size_for(request, prefs))
        ctx["page"] = paginator.get_page(_page_number(request))
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    template = "policies/list.html#policy-table" if request.htmx else "policies/list.html"
    return render(request, template, ctx)


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "permissions")
    return tab if tab in dict(TABS) else "permissions"


def _versions_context(actor: Actor, policy: ManagedPolicy, query: Any) -> dict[str, Any]:
    """The versions table, one version's document (?version=) or a comparison of two
    (?left=&right=)."""
    ctx: dict[str, Any] = {"versions": listing.list_policy_versions(actor, policy)}
    ctx["left"], ctx["right"] = query.get("left", "")[:16], query.get("right", "")[:16]
    if query.get("version"):
        ctx["shown_version"] = listing.get_policy_version(actor, policy, query["version"])
    if ctx["left"] and ctx["right"]:
        try:
            left, right = listing.version_pair(actor, policy, ctx["left"], ctx["right"])
        except IamError as error:
            ctx["compare_error"] = error.message
        else:
            ctx["compared"] = (left, right)
            ctx["comparison"] = version_diff.compare(left.document, right.document)
    return ctx


def _tab_context(actor: Actor, policy: ManagedPolicy, tab: str, query: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    try:
        if tab == "permissions":
            version = listing.default_version(actor, policy)
            ctx["summary_table"] = summary_cache.summary_table(version.document)
            ctx["document"] = version.document
        elif tab == "entities":
            ctx["entities"] = listing.list_entities_for_policy(actor, policy)
            ctx["entity_choices"] = listing.attachable_entities(actor)
        elif tab == "last_accessed":
            ctx |= last_accessed_context(actor, policy, query)
        elif tab == "tags":
            ctx["tags"] = listing.list_policy_tags(actor, policy)
        elif tab == "versions":
            ctx |= _versions_context(actor, policy, query)
    except AccessDenied as denied:
        ctx["tab_denied"] = denied.message
    return ctx


def render_policy(
    request: HtmxHttpRequest,
    policy: ManagedPolicy | None,
    *,
    name: str = "",
    tab: str = "permissions",
    error: IamError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The policy page (or, on htmx tab switches, only its tab panel)."""
    actor = actor_for(request)
    ctx: dict[str, Any] = {"nav": "policies", "policy": policy, "name": name, "tab": tab}
    ctx["tabs"] = TABS if policy is None or not policy.is_aws_managed else TABS[:3]
    if error is not None:
        ctx["error"] = error
    if policy is not None:
        ctx |= _tab_context(actor, policy, tab, request.GET)
        ctx["delete_url"] = reverse("policy_delete", args=[policy.name])
        ctx["confirm_form"] = ConfirmForm(request.POST if request.method == "POST" else None)
        if error is not None and error.field == "confirm":
            ctx["confirm_form"].is_valid()
            ctx["confirm_form"].add_error("confirm", error.message)
    template = "policies/detail.html"
    if request.htmx and request.method == "GET":
        template += "#tab-panel"
    return render(request, template, ctx, status=status)


def _get(request: HttpRequest, scope: str, name: str) -> ManagedPolicy:
    return access.get_policy_by_name(actor_for(request), name, aws_managed=scope == "aws")


def _denied(request: HttpRequest, name: str, denied: AccessDenied) -> HttpResponse:
    ctx = {"nav": "policies", "name": name, "denied": denied.message}
    return render(request, "policies/detail.html", ctx)


def _denial_as_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A button on a policy whose read (iam:GetPolicy) is denied shows that denial on the
    policy page, as reading it would, instead of failing."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as denied:
            return _denied(request, kwargs.get("name", ""), denied)

    return wrapper


def policy_detail(request: HtmxHttpRequest, scope: str, name: str) -> HttpResponse:
    try:
        policy = _get(request, scope, name)
    except AccessDenied as denied:
        return _denied(request, name, denied)
    return render_policy(request, policy, name=policy.name, tab=_tab(request))


# The Entities attached tab acts on a user, a group or a role: one AWS writer for each.
_ATTACH_WRITERS: dict[tuple[str, bool], Callable[[Actor, Any, ManagedPolicy], None]] = {
    ("user", False): lambda a, t, p: policy_services.attach_user_policy(actor=a, user=t, policy=p),
    ("group", False): lambda a, t, p: policy_services.attach_group_policy(
        actor=a, group=t, policy=p
    ),
    ("role", False): lambda a, t, p: policy_services.attach_role_policy(actor=a, role=t, policy=p),
    ("user", True): lambda a, t, p: policy_services.detach_user_policy(actor=a, user=t, policy=p),
    ("group", True): lambda a, t, p: policy_services.detach_group_policy(
        actor=a, group=t, policy=p
    ),
    ("role", True): lambda a, t, p: policy_services.detach_role_policy(actor=a, role=t, policy=p),
}


@require_POST
@_denial_as_page
def policy_attach(request: HtmxHttpRequest, scope: str, name: str) -> HttpResponse:
    """Attach or detach from the Entities attached tab (the button says which)."""
    actor = actor_for(request)
    policy = _get(request, scope, name)
    try:
        target = listing.entity_from_key(actor, request.POST.get("entity", ""))
        detach = bool(request.POST.get("detach"))
        _ATTACH_WRITERS[(policy_services.target_kind(target), detach)](actor, target, policy)
        done = "detached from" if detach else "attached to"
        messages.success(request, f"Policy {policy.name} {done} {target.name}.")
    except IamError as error:
        return render_policy(request, policy, name=policy.name, tab="entities", error=error)
    return redirect(policy_url(policy) + "?tab=entities")


@require_POST
@_denial_as_page
def policy_version_action(request: HtmxHttpRequest, name: str) -> HttpResponse:
    """Set as default or Delete, for the version chosen on the Policy versions tab."""
    version_id = request.POST.get("version", "")

    def change(actor: Actor, policy: ManagedPolicy) -> str:
        if request.POST.get("delete"):
            policy_services.delete_policy_version(actor=actor, policy=policy, version_id=version_id)
            return f"Version {version_id} deleted."
        policy_services.set_default_policy_version(
            actor=actor, policy=policy, version_id=version_id
        )
        return f"Version {version_id} is now the default version."

    return _tab_action(request, name, "versions", change, bad_input_status=200)


@require_POST
@_denial_as_page
def policy_tag_action(request: HtmxHttpRequest, name: str) -> HttpResponse:
    """The Tags tab's Add tag (TagPolicy) and Remove (UntagPolicy) buttons."""
    key, value = request.POST.get("key", "").strip(), request.POST.get("value", "").strip()

    def change(actor: Actor, policy: ManagedPolicy) -> str:
        if request.POST.get("remove"):
            policy_services.untag_policy(actor=actor, policy=policy, keys=[key])
            return f"Tag {key} removed."
        if not key:
            raise ValidationError("Enter a tag key (1 to 128 characters).", field="tags")
        policy_services.tag_policy(actor=actor, policy=policy, tags=[(key, value)])
        return f"Tag {key} saved."

    return _tab_action(request, name, "tags", change, bad_input_status=400)


def _tab_action(
    request: HtmxHttpRequest,
    name: str,
    tab: str,
    change: Callable[[Actor, ManagedPolicy], str],
    *,
    bad_input_status: int,
) -> HttpResponse:
    """A button on one tab of a customer managed policy's page: `change` returns the success
    message; an error shows on that tab (a denial like the others that show one, 200)."""
    actor = actor_for(request)
    policy = _get(request, "local", name)
    try:
        messages.success(request, change(actor, policy))
    except IamError as error:
        status = 200 if isinstance(error, AccessDenied) else bad_input_status
        return render_policy(request, policy, name=policy.name, tab=tab, error=error, status=status)
    return redirect(policy_url(policy) + f"?tab={tab}")


@require_POST
@_denial_as_page
def policy_delete(request: HtmxHttpRequest, name: str) -> HttpResponse:
    """The console's Delete: type the policy name; detaches it everywhere, then deletes."""
    actor = actor_for(request)
    policy = _get(request, "local", name)
    if request.POST.get("confirm", "").strip() != policy.name:
        error = IamError(f"To confirm deletion, enter {policy.name}.", field="confirm")
        return render_policy(request, policy, name=policy.name, error=error, status=400)
    try:
        policy_services.delete_policy_with_dependents(actor=actor, policy=policy)
    except IamError as error:
        return render_policy(request, policy, name=policy.name, error=error)
    messages.success(request, f"Policy {policy.name} deleted.")
    return redirect("policy_list")
