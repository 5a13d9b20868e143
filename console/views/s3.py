"""The S3 console: buckets (list, create, delete), a bucket's Objects (folders as prefixes,
upload, download, create folder, delete), Permissions (Block Public Access, bucket policy,
Object Ownership) and Properties (tags). Each view calls `domain.s3`; a denial shows S3's
console wording with the API's answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console.forms import ConfirmDeleteForm, add_service_error
from console.forms.s3 import BucketPolicyForm, CreateBucketForm, CreateFolderForm, UploadForm
from console.forms.users import index, tag_rows
from domain import s3
from domain.kernel import validators
from domain.kernel.actors import actor_for
from domain.kernel.errors import (
    S3_CONSOLE_DENIALS,
    AccessDenied,
    BucketNotEmpty,
    IamError,
    NoSuchBucketPolicy,
    NoSuchTagSet,
)

Ctx = dict[str, Any]
TABS = [("objects", "Objects"), ("properties", "Properties"), ("permissions", "Permissions")]


def denial(operation: str, error: AccessDenied) -> Ctx:
    """S3's console wording for a denied `operation`, with the API's own answer."""
    title, text = S3_CONSOLE_DENIALS.get(operation, ("Insufficient permissions", ""))
    return {"title": title, "text": text, "api": error.message}


def _page(request: HttpRequest, template: str, ctx: Ctx, status: int = 200) -> HttpResponse:
    ctx.setdefault("service", "s3")
    if status == 200 and ctx.get("denied"):
        status = 403
    return render(request, template, ctx, status=status)


# --- buckets ---------------------------------------------------------------------------


def bucket_list(request: HttpRequest) -> HttpResponse:
    ctx: Ctx = {"nav": "buckets"}
    try:
        ctx["buckets"] = s3.list_buckets(actor_for(request))
    except AccessDenied as denied:
        ctx["denied"] = denial("s3:ListBuckets", denied)
    return _page(request, "s3/bucket_list.html", ctx)


def bucket_create(request: HttpRequest) -> HttpResponse:
    form = CreateBucketForm(request.POST or None)
    ctx: Ctx = {"nav": "buckets", "form": form}
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            s3.create_bucket(
                actor=actor_for(request), name=name, region=form.cleaned_data["region"]
            )
        except AccessDenied as denied:
            ctx["denied"] = denial("s3:CreateBucket", denied)
        except IamError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f'Successfully created bucket "{name}"')
            return redirect("s3_bucket_list")
    return _page(request, "s3/bucket_create.html", ctx)


def bucket_detail(request: HttpRequest, bucket: str) -> HttpResponse:
    name = bucket
    actor = actor_for(request)
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(TABS) else "objects"
    ctx: Ctx = {"nav": "buckets", "name": name, "tabs": TABS, "tab": tab}
    try:
        ctx["bucket"] = found = s3.head_bucket(actor, name)
    except AccessDenied as denied:
        found = None
        ctx["bucket_denied"] = denial("s3:ListObjectsV2", denied)
    except IamError as error:
        return _page(request, "s3/missing.html", ctx | {"error": error.message}, status=404)
    if tab == "objects":
        _objects_tab(request, ctx, actor, name)
    elif tab == "permissions":
        ctx["policy_form"] = BucketPolicyForm(initial={"policy": _policy_text(ctx, actor, name)})
    elif found is not None:
        _tags_tab(ctx, actor, name)
    return _page(request, "s3/bucket_detail.html", ctx, 403 if found is None else 200)


def _objects_tab(request: HttpRequest, ctx: Ctx, actor: Any, name: str) -> None:
    prefix = request.GET.get("prefix", "")[:1024]
    ctx["prefix"] = prefix
    ctx["crumbs"] = _crumbs(prefix)
    ctx["folder_form"] = CreateFolderForm()
    ctx["upload_form"] = UploadForm()
    try:
        listing = s3.list_objects_v2(actor, name, prefix=prefix, delimiter="/")
    except AccessDenied as denied:
        ctx["list_denied"] = denial("s3:ListObjectsV2", denied)
        return
    # Names relative to the folder open; the folder's own marker object is not listed.
    ctx["folders"] = [(p[len(prefix) :], p) for p in listing.common_prefixes]
    ctx["files"] = [(o.key[len(prefix) :], o) for o in listing.contents if o.key != prefix]


def _crumbs(prefix: str) -> list[tuple[str, str]]:
    """The folders of `prefix` as (label, prefix to open) pairs."""
    out: list[tuple[str, str]] = []
    at = ""
    for part in [p for p in prefix.split("/") if p]:
        at += part + "/"
        out.append((part, at))
    return out


def _policy_text(ctx: Ctx, actor: Any, name: str) -> str:
    try:
        return s3.get_bucket_policy(actor, name)
    except NoSuchBucketPolicy:
        return ""
    except AccessDenied as denied:
        ctx["policy_denied"] = denial("s3:GetBucketPolicy", denied)
    except IamError as error:  # NoSuchBucket
        ctx["error"] = error.message
    return ""


def _tags_tab(ctx: Ctx, actor: Any, name: str) -> None:
    ctx["tags"] = []
    try:
        ctx["tags"] = s3.get_bucket_tagging(actor, name)
    except NoSuchTagSet:
        pass
    except AccessDenied as denied:
        ctx["tags_denied"] = denial("s3:GetBucketTagging", denied)
    except IamError as error:  # NoSuchBucket
        ctx["error"] = error.message


def _objects_url(name: str, prefix: str) -> str:
    url = reverse("s3_bucket_detail", kwargs={"bucket": name})
    return f"{url}?prefix={prefix}" if prefix else url


def _after(request: HttpRequest, name: str, prefix: str, ctx_error: Ctx | None) -> HttpResponse:
    if ctx_error is None:
        return redirect(_objects_url(name, prefix))
    ctx: Ctx = {"nav": "buckets", "name": name, "back": _objects_url(name, prefix)} | ctx_error
    return _page(request, "s3/action_failed.html", ctx, 403 if "denied" in ctx_error else 400)


@require_POST
def object_upload(request: HttpRequest, bucket: str) -> HttpResponse:
    name = bucket
    prefix = request.POST.get("prefix", "")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _after(request, name, prefix, {"error": "Choose a file to upload."})
    upload = form.cleaned_data["file"]
    try:
        s3.put_object(
            actor=actor_for(request),
            bucket_name=name,
            key=prefix + upload.name,
            body=upload.read(),
            content_type=upload.content_type or "",
        )
    except AccessDenied as denied:
        return _after(request, name, prefix, {"denied": denial("s3:PutObject", denied)})
    except IamError as error:
        return _after(request, name, prefix, {"error": error.message})
    messages.success(request, f"Upload succeeded: {upload.name}")
    return _after(request, name, prefix, None)


@require_POST
def folder_create(request: HttpRequest, bucket: str) -> HttpResponse:
    name = bucket
    prefix = request.POST.get("prefix", "")
    form = CreateFolderForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _after(request, name, prefix, {"error": first})
    folder = form.cleaned_data["folder"]
    try:
        s3.put_object(
            actor=actor_for(request), bucket_name=name, key=f"{prefix}{folder}/", body=b""
        )
    except AccessDenied as denied:
        return _after(request, name, prefix, {"denied": denial("s3:PutObject", denied)})
    except IamError as error:
        return _after(request, name, prefix, {"error": error.message})
    messages.success(request, f'Successfully created folder "{folder}".')
    return _after(request, name, prefix, None)


def object_download(request: HttpRequest, bucket: str, key: str) -> HttpResponse:
    name = bucket
    try:
        result = s3.get_object(actor_for(request), name, key)
    except AccessDenied as denied:
        return _after(request, name, "", {"denied": denial("s3:GetObject", denied)})
    except IamError as error:
        return _after(request, name, "", {"error": error.message})
    response = HttpResponse(result.body, content_type=result.object.content_type)
    filename = key.rsplit("/", 1)[-1].replace('"', "")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


DELETE_OBJECTS_CONFIRMATION = "permanently delete"


@require_POST
def objects_delete(request: HttpRequest, bucket: str) -> HttpResponse:
    """Delete objects, as S3's console: the selected objects and folders listed with the
    number of objects that go (a folder is every object under its prefix, not only its
    marker), deleted once "permanently delete" is typed."""
    name = bucket
    actor = actor_for(request)
    prefix = request.POST.get("prefix", "")
    keys = request.POST.getlist("keys")[: s3.MAX_KEYS]
    # A folder is a non-empty prefix ending in "/": never the whole bucket.
    folders = [f for f in request.POST.getlist("folders")[: s3.MAX_KEYS] if f.endswith("/")]
    if not keys and not folders:
        return _after(request, name, prefix, {"error": "Select objects to delete."})
    confirming = "confirm" in request.POST
    form = ConfirmDeleteForm(
        request.POST if confirming else None, expected=DELETE_OBJECTS_CONFIRMATION
    )
    try:
        if form.is_valid():
            result = _delete_selected(actor, name, keys, folders)
        else:
            return _confirm_delete(request, actor, name, prefix, keys, folders, form)
    except AccessDenied as denied:
        operation = "s3:DeleteObjects" if confirming else "s3:ListObjectsV2"
        return _after(request, name, prefix, {"denied": denial(operation, denied)})
    except IamError as error:
        return _after(request, name, prefix, {"error": error.message})
    if result.errors:
        key, _, message = result.errors[0]
        failed = {"title": "Failed to delete objects", "text": key, "api": message}
        return _after(request, name, prefix, {"denied": failed})
    messages.success(request, f"Successfully deleted {len(result.deleted)} object(s).")
    return _after(request, name, prefix, None)


def _confirm_delete(
    request: HttpRequest,
    actor: Any,
    name: str,
    prefix: str,
    keys: list[str],
    folders: list[str],
    form: ConfirmDeleteForm,
) -> HttpResponse:
    """The "Delete objects" page: what was selected, and how many objects that deletes."""
    under = {folder: s3.keys_under(actor, name, folder) for folder in folders}
    total = len(set(keys).union(*under.values()))
    hidden = [("prefix", prefix)] + [("keys", k) for k in keys] + [("folders", f) for f in folders]
    ctx: Ctx = {
        "nav": "buckets",
        "name": name,
        "back": _objects_url(name, prefix),
        "form": form,
        "expected": DELETE_OBJECTS_CONFIRMATION,
        "files": [(k[len(prefix) :] if k.startswith(prefix) else k, k) for k in keys],
        "folders": [
            (f[len(prefix) :] if f.startswith(prefix) else f, len(under[f])) for f in folders
        ],
        "total": total,
        "hidden": hidden,
    }
    return _page(request, "s3/objects_delete.html", ctx, 400 if form.is_bound else 200)


def _relative(key: str, prefix: str) -> str:
    return key[len(prefix) :] if key.startswith(prefix) else key


def _delete_selected(actor: Any, name: str, keys: list[str], folders: list[str]) -> s3.DeleteResult:
    """DeleteObjects for the selected objects, and every object under each folder."""
    results = [s3.delete_objects(actor=actor, bucket_name=name, keys=keys)] if keys else []
    results += [s3.delete_under(actor=actor, bucket_name=name, prefix=f) for f in folders]
    deleted = dict.fromkeys(k for result in results for k in result.deleted)
    errors = [e for result in results for e in result.errors]
    return s3.DeleteResult(list(deleted), errors)


def bucket_policy(request: HttpRequest, bucket: str) -> HttpResponse:
    """Edit bucket policy: saved as written, or its problems with line and column."""
    name = bucket
    actor = actor_for(request)
    form = BucketPolicyForm(request.POST or None)
    ctx: Ctx = {"nav": "buckets", "name": name, "form": form}
    if request.method != "POST":
        form = BucketPolicyForm(initial={"policy": _policy_text(ctx, actor, name)})
        ctx["form"] = form
        return _page(request, "s3/bucket_policy.html", ctx)
    if form.is_valid():
        text = form.cleaned_data["policy"]
        try:
            if text.strip():
                problems = s3.policy_problems(name, text)
                if problems:
                    ctx["problems"] = problems
                    return _page(request, "s3/bucket_policy.html", ctx, status=400)
                s3.put_bucket_policy(actor=actor, name=name, policy=text)
            else:
                s3.delete_bucket_policy(actor=actor, name=name)
        except AccessDenied as denied:
            ctx["denied"] = denial("s3:PutBucketPolicy", denied)
        except IamError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Successfully edited bucket policy.")
            return redirect(
                reverse("s3_bucket_detail", kwargs={"bucket": name}) + "?tab=permissions"
            )
    return _page(request, "s3/bucket_policy.html", ctx, status=200 if form.is_valid() else 400)


def bucket_tags(request: HttpRequest, bucket: str) -> HttpResponse:
    name = bucket
    actor = actor_for(request)
    ctx: Ctx = {"nav": "buckets", "name": name, "max_tags": validators.MAX_TAGS}
    rows: list[tuple[str, str]] = []
    if request.method == "POST":
        rows = tag_rows(request.POST)
        gone = index(request.POST.get("remove_tag"))
        if gone is not None and 0 <= gone < len(rows):
            rows.pop(gone)
        elif "add_tag" in request.POST:
            rows.append(("", ""))
        elif "save" in request.POST:
            try:
                if rows:
                    s3.put_bucket_tagging(actor=actor, name=name, tags=rows)
                else:
                    s3.delete_bucket_tagging(actor=actor, name=name)
            except AccessDenied as denied:
                ctx["denied"] = denial("s3:PutBucketTagging", denied)
            except IamError as error:
                ctx["tags_error"] = error.message
            else:
                messages.success(request, "Successfully edited bucket tags.")
                return redirect(
                    reverse("s3_bucket_detail", kwargs={"bucket": name}) + "?tab=properties"
                )
    else:
        _tags_tab(ctx, actor, name)
        rows = [(t["Key"], t["Value"]) for t in ctx.get("tags", [])]
    ctx["rows"] = rows
    return _page(request, "s3/bucket_tags.html", ctx)


def bucket_delete(request: HttpRequest, bucket: str) -> HttpResponse:
    name = bucket
    form = ConfirmDeleteForm(request.POST or None, expected=name)
    ctx: Ctx = {"nav": "buckets", "name": name, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            s3.delete_bucket(actor=actor_for(request), name=name)
        except AccessDenied as denied:
            ctx["denied"] = denial("s3:DeleteBucket", denied)
        except BucketNotEmpty as error:
            ctx["not_empty"] = error.message
        except IamError as error:
            ctx["error"] = error.message
        else:
            messages.success(request, f'Successfully deleted bucket "{name}".')
            return redirect("s3_bucket_list")
    status = 400 if ctx.get("error") or ctx.get("not_empty") else 200
    return _page(request, "s3/bucket_delete.html", ctx, status)
