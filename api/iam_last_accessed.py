"""IAM's Access Advisor over the API: Generate/GetServiceLastAccessedDetails and
GetServiceLastAccessedDetailsWithEntities."""

from __future__ import annotations

from typing import Any

from api.iam_actions import Handler
from api.listing import page, paged
from domain.iam import last_accessed
from domain.kernel.actors import Actor


def generate_service_last_accessed_details(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    return {"JobId": last_accessed.generate_service_last_accessed_details(actor, arn=p["Arn"])}


def get_service_last_accessed_details(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    job = last_accessed.get_service_last_accessed_details(actor, job_id=p["JobId"])
    found = page(job.services, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    rows = [
        {
            "ServiceName": s.name,
            "ServiceNamespace": s.namespace,
            "LastAuthenticated": s.last_accessed,
            "LastAuthenticatedEntity": s.entity or None,
            "LastAuthenticatedRegion": s.region or None,
            "TotalAuthenticatedEntities": s.entities,
        }
        for s in found.items
    ]
    return {
        "JobStatus": "COMPLETED",
        "JobType": "SERVICE_LEVEL",
        "JobCreationDate": job.created,
        "JobCompletionDate": job.completed,
    } | paged(found, "ServicesLastAccessed", rows)


def get_service_last_accessed_details_with_entities(
    actor: Actor, p: dict[str, Any]
) -> dict[str, Any]:
    job, entities = last_accessed.get_service_last_accessed_details_with_entities(
        actor, job_id=p["JobId"], service_namespace=p["ServiceNamespace"]
    )
    found = page(entities, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    rows = [
        {
            "EntityInfo": {
                "Arn": e.entity.arn,
                "Name": e.entity.name,
                "Type": e.type,
                "Id": e.entity.unique_id,
                "Path": e.entity.path,
            },
            "LastAuthenticated": e.last_accessed,
        }
        for e in found.items
    ]
    return {
        "JobStatus": "COMPLETED",
        "JobCreationDate": job.created,
        "JobCompletionDate": job.completed,
    } | paged(found, "EntityDetailsList", rows)


ACTIONS: dict[str, Handler] = {
    "GenerateServiceLastAccessedDetails": generate_service_last_accessed_details,
    "GetServiceLastAccessedDetails": get_service_last_accessed_details,
    "GetServiceLastAccessedDetailsWithEntities": get_service_last_accessed_details_with_entities,
}
