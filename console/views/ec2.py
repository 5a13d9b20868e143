"""EC2's console: Instances (list, Launch instance, the instance's page with Details,
Security and Tags), the Instance state menu, Actions -> Security -> Modify IAM role, and
Connect (the environment lines that make the CLI act as the instance's role)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console.forms.ec2 import (
    NO_ROLE,
    STATE_ACTIONS,
    InstanceStateForm,
    LaunchForm,
    ModifyRoleForm,
)
from console.views.denial import show_error
from domain.ec2 import iam_profiles, imds, instances
from domain.ec2.iam_profiles import association_of
from domain.iam import roles as role_services
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError
from ec2 import catalog

Ctx = dict[str, Any]
TABS = [("details", "Details"), ("security", "Security"), ("tags", "Tags")]
# The Instance state menu: action -> (domain function, past tense, infinitive).
STATE_CHANGES = {
    "stop": (instances.stop_instances, "stopped", "stop"),
    "start": (instances.start_instances, "started", "start"),
    "reboot": (instances.reboot_instances, "rebooted", "reboot"),
    "terminate": (instances.terminate_instances, "terminated", "terminate"),
}


def _region(request: HttpRequest) -> str:
    chosen = request.GET.get("region") or request.POST.get("region") or ""
    return chosen if chosen in catalog.REGIONS else catalog.DEFAULT_REGION


def _ctx(request: HttpRequest, nav: str = "instances") -> Ctx:
    region = _region(request)
    return {
        "nav": nav,
        "region": region,
        "region_name": catalog.REGIONS[region],
        "regions": list(catalog.REGIONS.items()),
        "region_path": request.path,
    }


def _with_region(name: str, region: str, *args: str) -> str:
    return f"{reverse(name, args=args)}?region={region}"


def _failed(request: HttpRequest, template: str, ctx: Ctx, error: IamError) -> HttpResponse:
    """The instance a page is about cannot be shown: AWS's denial (403) or error (404)."""
    denied = isinstance(error, AccessDenied)
    ctx["denied" if denied else "error"] = error.message
    return render(request, template, ctx, status=403 if denied else 404)


def ec2_home(request: HttpRequest) -> HttpResponse:
    return redirect(_with_region("ec2_instances", _region(request)))


def instance_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    ctx = _ctx(request)
    query = request.GET.get("q", "").strip()[:128]
    ctx["q"] = query
    try:
        page = instances.describe_instances(actor, region=ctx["region"])
    except AccessDenied as denied:
        ctx["denied"] = denied.message
        return render(request, "ec2/instances/list.html", ctx)
    rows = [i for r in page.reservations for i in r.instances]
    if query:
        lowered = query.lower()
        rows = [i for i in rows if lowered in i.instance_id or lowered in i.name.lower()]
    ctx["instances"] = sorted(rows, key=lambda i: i.launch_time, reverse=True)
    ctx["state_actions"] = STATE_ACTIONS
    return render(request, "ec2/instances/list.html", ctx)


@require_POST
def instance_state(request: HttpRequest) -> HttpResponse:
    """The Instance state menu: one state change over the chosen instances."""
    actor = actor_for(request)
    region = _region(request)
    form = InstanceStateForm(request.POST)
    back = request.POST.get("next", "")
    target = back if back.startswith("/ec2/") else _with_region("ec2_instances", region)
    if not form.is_valid():
        messages.error(request, "Select an instance first.")
        return redirect(target)
    action = form.cleaned_data["action"]
    chosen = form.cleaned_data["instance_ids"]
    change, past, verb = STATE_CHANGES[action]
    shown = ", ".join(chosen)
    try:
        change(actor=actor, instance_ids=chosen, region=region)
    except IamError as error:
        noun = "instance" if len(chosen) == 1 else "instances"
        messages.error(request, f"Failed to {verb} the {noun} {shown}. {error.message}")
    else:
        messages.success(request, f"Successfully {past} {shown}")
    return redirect(target)


def _profile_names(actor: Actor, ctx: Ctx) -> list[str]:
    try:
        return [p.name for p in role_services.list_instance_profiles(actor)]
    except AccessDenied as denied:
        ctx["profiles_denied"] = denied.message
        return []


def instance_launch(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    ctx = _ctx(request)
    names = _profile_names(actor, ctx)
    form = LaunchForm(request.POST or None, profiles=names)
    ctx["form"] = form
    ctx["image_titles"] = catalog.IMAGE_TITLES
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reservation = instances.run_instances(
                actor=actor,
                image_id=data["image_id"],
                instance_type=data["instance_type"],
                min_count=data["count"],
                max_count=data["count"],
                key_name=data["key_name"],
                tags=form.tags(),
                instance_profile_name=data["instance_profile"] or None,
                region=ctx["region"],
            )
        except IamError as error:
            show_error(ctx, form, error)
        else:
            ids = ", ".join(i.instance_id for i in reservation.instances)
            messages.success(request, f"Successfully initiated launch of instance ({ids})")
            first = reservation.instances[0].instance_id
            return redirect(_with_region("ec2_instance", ctx["region"], first))
    status = 403 if "denied" in ctx else 200
    return render(request, "ec2/instances/launch.html", ctx, status=status)


def instance_detail(request: HttpRequest, instance_id: str) -> HttpResponse:
    actor = actor_for(request)
    ctx = _ctx(request)
    tab = request.GET.get("tab", "details")
    ctx.update({"tabs": TABS, "tab": tab if tab in dict(TABS) else "details"})
    ctx["instance_id"] = instance_id
    try:
        instance = instances.get_instance(actor, instance_id, region=ctx["region"])
    except IamError as error:
        return _failed(request, "ec2/instances/detail.html", ctx, error)
    ctx["instance"] = instance
    ctx["image"] = catalog.IMAGES_BY_ID.get(instance.image_id)
    ctx["image_title"] = catalog.IMAGE_TITLES.get(instance.image_id, "")
    ctx["profile"] = instance.instance_profile
    ctx["role"] = instance.instance_profile.role if instance.instance_profile else None
    ctx["state_actions"] = STATE_ACTIONS
    return render(request, "ec2/instances/detail.html", ctx)


def modify_iam_role(request: HttpRequest, instance_id: str) -> HttpResponse:
    actor = actor_for(request)
    ctx = _ctx(request)
    ctx["instance_id"] = instance_id
    try:
        instance = instances.get_instance(actor, instance_id, region=ctx["region"])
    except IamError as error:
        return _failed(request, "ec2/instances/modify_role.html", ctx, error)
    names = _profile_names(actor, ctx)
    current = instance.instance_profile.name if instance.instance_profile else NO_ROLE
    form = ModifyRoleForm(
        request.POST or None, profiles=names, initial={"instance_profile": current}
    )
    ctx.update({"form": form, "instance": instance})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["instance_profile"]
        association = association_of(instance)
        try:
            if not chosen and association is not None:
                iam_profiles.disassociate_iam_instance_profile(
                    actor=actor, association_id=association.association_id, region=ctx["region"]
                )
                done = f"Successfully detached {current} from instance {instance_id}"
            elif chosen and association is not None:
                iam_profiles.replace_iam_instance_profile_association(
                    actor=actor,
                    association_id=association.association_id,
                    profile_name=chosen,
                    region=ctx["region"],
                )
                done = f"Successfully attached {chosen} to instance {instance_id}"
            elif chosen:
                iam_profiles.associate_iam_instance_profile(
                    actor=actor, instance_id=instance_id, profile_name=chosen, region=ctx["region"]
                )
                done = f"Successfully attached {chosen} to instance {instance_id}"
            else:
                done = ""
        except IamError as error:
            show_error(ctx, form, error)
        else:
            if done:
                messages.success(request, done)
            return redirect(
                _with_region("ec2_instance", ctx["region"], instance_id) + "&tab=security"
            )
    status = 403 if "denied" in ctx else 200
    return render(request, "ec2/instances/modify_role.html", ctx, status=status)


def instance_connect(request: HttpRequest, instance_id: str) -> HttpResponse:
    actor = actor_for(request)
    ctx = _ctx(request)
    ctx["instance_id"] = instance_id
    try:
        instance = imds.instance_connect(actor, instance_id, region=ctx["region"])
    except IamError as error:
        return _failed(request, "ec2/instances/connect.html", ctx, error)
    base = request.build_absolute_uri("/").rstrip("/")
    ctx["instance"] = instance
    ctx["role"] = imds.role_name(instance)
    ctx["env_lines"] = [
        f"AWS_EC2_METADATA_SERVICE_ENDPOINT={base}/ec2-imds/{instance.metadata_secret}/",
        f"AWS_ENDPOINT_URL={base}",
        f"AWS_DEFAULT_REGION={instance.region}",
    ]
    return render(request, "ec2/instances/connect.html", ctx)
