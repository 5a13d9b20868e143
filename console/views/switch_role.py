"""Switch role, Switch back and the account menu's recent roles, as in AWS's console."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from console.flows import switch_role as flow
from console.forms.switch_role import SwitchRoleForm
from domain.iam import sts
from domain.kernel.actors import signed_in_actor
from domain.kernel.errors import AccessDenied, IamError


def _switch(
    request: HttpRequest, account: str, role_name: str, display_name: str, color: str
) -> IamError | None:
    """Assumes the role as the signed-in person (never from the current role session)."""
    try:
        assumed = sts.switch_role(
            actor=signed_in_actor(request), account=account, role_name=role_name
        )
    except IamError as error:
        return error
    flow.start(request, assumed, display_name, color)
    return None


def switch_role(request: HttpRequest) -> HttpResponse:
    """The Switch role page; ?account=&roleName=&displayName=&color= fill it, as AWS's link does."""
    initial = {
        "account": request.GET.get("account", ""),
        "role_name": request.GET.get("roleName", ""),
        "display_name": request.GET.get("displayName", ""),
        "color": request.GET.get("color", "").upper(),
    }
    form = SwitchRoleForm(request.POST or None, initial=initial)
    ctx: dict[str, object] = {"nav": "", "form": form, "colors": sts.SWITCH_ROLE_COLORS}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        error = _switch(
            request, data["account"], data["role_name"], data["display_name"], data["color"]
        )
        if error is None:
            return redirect("dashboard")
        ctx["error_title"] = sts.SWITCH_ROLE_INVALID
        ctx["error"] = error
        status = 403 if isinstance(error, AccessDenied) else 400
        return render(request, "accounts/switch_role.html", ctx, status=status)
    return render(request, "accounts/switch_role.html", ctx)


@require_POST
def switch_recent(request: HttpRequest, index: int) -> HttpResponse:
    """One of the account menu's recent roles."""
    recent = flow.recent(request)
    if not 0 <= index < len(recent):
        return redirect("switch_role")
    entry = recent[index]
    error = _switch(
        request, entry["account_id"], entry["role_name"], entry["display_name"], entry["color"]
    )
    if error is not None:
        messages.error(request, f"{sts.SWITCH_ROLE_INVALID} {error.message}")
    return redirect("dashboard")


@require_POST
def switch_back(request: HttpRequest) -> HttpResponse:
    """Back to the signed-in identity, without signing in again."""
    ended = flow.end(request)
    if ended is not None:
        messages.success(request, f"You switched back from {ended['display']}.")
    return redirect("dashboard")
