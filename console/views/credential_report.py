"""Access reports → Credential report: generate (or reuse) and download the CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from domain import iam as services
from domain.iam import access
from domain.kernel.actors import actor_for
from domain.kernel.errors import AccessDenied, IamError


@require_http_methods(["GET", "POST"])
def credential_report(request: HttpRequest) -> HttpResponse:
    """GET shows the page; POST ("Download credentials report") generates and downloads."""
    actor = actor_for(request)
    ctx: dict[str, object] = {"nav": "credential_report"}
    if request.method == "POST":
        try:
            services.generate_credential_report(actor=actor)
            report = access.get_credential_report(actor)
        except AccessDenied as denied:
            ctx["denied"] = denied.message
        except IamError as error:
            ctx["error"] = error.message
        else:
            stamp = report.generated_at.strftime("%Y-%m-%dT%H:%M:%S")
            response = HttpResponse(report.content, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="status_reports_{stamp}.csv"'
            return response
    return render(request, "accounts/credential_report/page.html", ctx)
