"""Access Advisor ("Last accessed"): per service, when an entity last used it.

A user, group, role or policy is answered from the event history (accounts.AuditEvent, the
allowed calls of the tracking period, settings.EVENT_HISTORY_DAYS): the services its policies
grant, plus any it used, each with the last time, who (for a group: the member; for a
policy: the user or role it is attached to) and from which region. `last_accessed` serves the
console's tab; GenerateServiceLastAccessedDetails / GetServiceLastAccessedDetails serve the
API (the job is kept in the cache and answered COMPLETED, as the report is computed when read).
GetServiceLastAccessedDetailsWithEntities answers, for one service of a job, the users and
roles that could have used it (a group's members; a policy's users, directly or through a
group, and roles) with when each last did.
`unused_policies` lists an entity's attached policies whose services were all unused for N days.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import Account, AuditEvent, Group, GroupMembership, Principal, Role
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import InvalidInput, NoSuchJob
from domain.kernel.registry import aws_read
from policies.engine import actions
from policies.engine.summary import summarize
from policies.models import (
    AWS_POLICY_ARN_PREFIX,
    InlinePolicy,
    ManagedPolicy,
    PolicyAttachment,
    PolicyVersion,
)

JOB_SECONDS = 24 * 3600
NOT_ACCESSED = "Not accessed in the tracking period"
_SIGN_IN_SOURCE = "signin.amazonaws.com"

Entity = Principal | Group | Role | ManagedPolicy


@dataclass(frozen=True, slots=True)
class ServiceAccess:
    namespace: str  # "iam"
    name: str  # "AWS Identity and Access Management (IAM)"
    last_accessed: datetime | None
    entity: str  # the ARN of who used it last ("" when never)
    region: str
    entities: int  # how many entities used it in the period


@dataclass(frozen=True, slots=True)
class Job:
    job_id: str
    created: datetime
    completed: datetime
    services: list[ServiceAccess]


@dataclass(frozen=True, slots=True)
class EntityAccess:
    """A user or role that could have used a service, and when it last did."""

    entity: Principal | Role
    last_accessed: datetime | None

    @property
    def type(self) -> str:
        return "ROLE" if isinstance(self.entity, Role) else "USER"


@dataclass(frozen=True, slots=True)
class UnusedPolicy:
    policy: ManagedPolicy
    services: list[ServiceAccess]


def _scope(entity: Entity) -> tuple[Q, Q, Q]:
    """(attachments, inline policies, the events' callers) of `entity`."""
    if isinstance(entity, Principal):
        member = Q(group__groupmembership__principal=entity)
        return Q(user=entity) | member, Q(user=entity) | member, Q(actor_arn=entity.arn)
    if isinstance(entity, Role):
        prefix = _session_prefix(entity)
        return Q(role=entity), Q(role=entity), Q(actor_arn__startswith=prefix)
    if isinstance(entity, Group):
        members = GroupMembership.objects.filter(group=entity).select_related("principal")
        arns = [m.principal.arn for m in members]
        return Q(group=entity), Q(group=entity), Q(actor_arn__in=arns)
    return Q(pk__in=[]), Q(pk__in=[]), _policy_callers(entity)


def _session_prefix(role: Role) -> str:
    return f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/"


def _policy_callers(policy: ManagedPolicy) -> Q:
    attached = PolicyAttachment.objects.filter(policy=policy).select_related("user", "role")
    callers = Q(pk__in=[])
    users: list[str] = []
    for a in attached:
        if a.user is not None:
            users.append(a.user.arn)
        if a.role is not None:
            callers |= Q(actor_arn__startswith=_session_prefix(a.role))
    groups = PolicyAttachment.objects.filter(policy=policy, group__isnull=False)
    via_groups = Principal.objects.filter(
        groupmembership__group__in=groups.values_list("group_id", flat=True)
    ).distinct()
    users += [p.arn for p in via_groups]
    return callers | Q(actor_arn__in=users)


def _documents(entity: Entity, attached: Q, inline: Q) -> list[str]:
    if isinstance(entity, ManagedPolicy):
        ids: Any = [entity.pk]
    else:
        ids = PolicyAttachment.objects.filter(attached).values_list("policy_id", flat=True)
    docs = list(
        PolicyVersion.objects.filter(policy__in=ids, is_default=True).values_list(
            "document", flat=True
        )
    )
    docs += list(InlinePolicy.objects.filter(inline).values_list("document", flat=True))
    return docs


def _granted(documents: list[str]) -> dict[str, str]:
    """prefix -> service name of the services an Allow statement of the documents names."""
    granted: dict[str, str] = {}
    for text in documents:
        try:
            document = json.loads(text)
        except ValueError:
            continue
        for row in summarize(document):
            if row.effect == "Allow" and not row.all_services:
                granted[row.prefix] = row.name
    return granted


def services_of(
    entity: Entity, account: Account, now: datetime | None = None
) -> list[ServiceAccess]:
    """Every service `entity` is granted or used, most recently used first, then by name."""
    attached, inline, callers = _scope(entity)
    granted = _granted(_documents(entity, attached, inline))
    since = audit.retention_cutoff(now)
    used = (
        AuditEvent.objects.filter(account=account, created_at__gte=since, outcome="allowed")
        .filter(callers)
        .exclude(event_source=_SIGN_IN_SOURCE)
        .values("event_source", "actor_arn")
        .annotate(last=Max("created_at"), region=Max("aws_region"), n=Count("id"))
    )
    latest: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for found_row in used:
        row: dict[str, Any] = dict(found_row)
        prefix = row["event_source"].split(".", 1)[0]
        counts[prefix] = counts.get(prefix, 0) + 1
        if prefix not in latest or row["last"] > latest[prefix]["last"]:
            latest[prefix] = row
    found = []
    for prefix in set(granted) | set(latest):
        last = latest.get(prefix)
        name = granted.get(prefix) or actions.service_name(prefix) or prefix
        found.append(
            ServiceAccess(
                namespace=prefix,
                name=name,
                last_accessed=last["last"] if last else None,
                entity=last["actor_arn"] if last else "",
                region=(last["region"] or "us-east-1") if last else "",
                entities=counts.get(prefix, 0),
            )
        )
    never = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    found.sort(key=lambda s: s.name.lower())
    found.sort(key=lambda s: s.last_accessed or never, reverse=True)
    return found


def last_accessed(actor: Actor, entity: Entity) -> list[ServiceAccess]:
    """The console's "Last accessed" tab (both of Access Advisor's permissions)."""
    authorize(actor, "iam:GenerateServiceLastAccessedDetails", entity)
    authorize(actor, "iam:GetServiceLastAccessedDetails", "*")
    return services_of(entity, actor.account)


def unused_policies(actor: Actor, entity: Principal | Role, *, days: int) -> list[UnusedPolicy]:
    """The entity's attached managed policies whose granted services were all unused in the
    last `days` days (candidates for removal)."""
    authorize(actor, "iam:GenerateServiceLastAccessedDetails", entity)
    services = {s.namespace: s for s in services_of(entity, actor.account)}
    cutoff = timezone.now() - timedelta(days=days)
    attached, _, _ = _scope(entity)
    found = []
    for attachment in PolicyAttachment.objects.filter(attached).select_related("policy"):
        granted = _granted(_documents(attachment.policy, Q(pk__in=[]), Q(pk__in=[])))
        rows = [services[p] for p in granted if p in services]
        if rows and all(s.last_accessed is None or s.last_accessed < cutoff for s in rows):
            found.append(UnusedPolicy(attachment.policy, rows))
    return found


def _entity(account: Account, arn: str) -> Entity:
    kind, _, rest = arn.split(":", 5)[-1].partition("/")
    name = rest.rsplit("/", 1)[-1]
    prefix = f"arn:aws:iam::{account.id}:"
    found: Entity | None = None
    if arn.startswith(prefix) and name:
        if kind == "user":
            found = Principal.objects.filter(account=account, name=name, kind="user").first()
        elif kind == "group":
            found = Group.objects.filter(account=account, name=name).first()
        elif kind == "role":
            found = Role.objects.filter(account=account, name=name).first()
        elif kind == "policy":
            found = ManagedPolicy.objects.filter(account=account, name=name).first()
    elif arn.startswith(AWS_POLICY_ARN_PREFIX):
        found = ManagedPolicy.objects.filter(account__isnull=True, name=name).first()
    if found is None or found.arn != arn:
        raise NoSuchJob.entity(arn)
    return found


@aws_read("iam:GenerateServiceLastAccessedDetails")
def generate_service_last_accessed_details(actor: Actor, *, arn: str) -> str:
    """GenerateServiceLastAccessedDetails: a job ID for the entity's report."""
    entity = _entity(actor.account, arn)
    authorize(actor, "iam:GenerateServiceLastAccessedDetails", entity)
    job_id = str(uuid.uuid4())
    created = timezone.now()
    cache.set(f"last-accessed:{job_id}", (actor.account.id, arn, created), JOB_SECONDS)
    return job_id


@aws_read("iam:GetServiceLastAccessedDetails")
def get_service_last_accessed_details(actor: Actor, *, job_id: str) -> Job:
    """GetServiceLastAccessedDetails: the job's report (always COMPLETED)."""
    authorize(actor, "iam:GetServiceLastAccessedDetails", "*")
    entity, created = _job(actor, job_id)
    return Job(job_id, created, timezone.now(), services_of(entity, actor.account))


def _job(actor: Actor, job_id: str) -> tuple[Entity, datetime]:
    """The entity of a job this account generated, and when."""
    held = cache.get(f"last-accessed:{job_id}")
    if held is None or held[0] != actor.account.id:
        raise NoSuchJob.job(job_id)
    _, arn, created = held
    return _entity(actor.account, arn), created


_NAMESPACE = re.compile(r"[\w-]{1,64}")


def _entities_of(entity: Entity) -> list[Principal | Role]:
    """The users and roles that could have used `entity`'s permissions."""
    if isinstance(entity, Principal | Role):
        return [entity]
    if isinstance(entity, Group):
        return list(Principal.objects.filter(groupmembership__group=entity).order_by("name"))
    attached = PolicyAttachment.objects.filter(policy=entity)
    users = Principal.objects.filter(
        Q(pk__in=attached.values("user_id"))
        | Q(groupmembership__group__in=attached.values("group_id"))
    )
    roles = Role.objects.filter(pk__in=attached.values("role_id"))
    return [*users.distinct().order_by("name"), *roles.order_by("name")]


def _callers(entities: list[Principal | Role]) -> Q:
    callers = Q(actor_arn__in=[e.arn for e in entities if isinstance(e, Principal)])
    for role in entities:
        if isinstance(role, Role):
            callers |= Q(actor_arn__startswith=_session_prefix(role))
    return callers


def entities_of(
    entity: Entity, account: Account, namespace: str, now: datetime | None = None
) -> list[EntityAccess]:
    """Each user and role that could have used `namespace` through `entity`, most recently
    used first (then never used, by name); one query over the event history."""
    entities = _entities_of(entity)
    if not entities:
        return []
    used = dict(
        AuditEvent.objects.filter(
            account=account,
            created_at__gte=audit.retention_cutoff(now),
            outcome="allowed",
            event_source=f"{namespace}.amazonaws.com",
        )
        .filter(_callers(entities))
        .values("actor_arn")
        .annotate(last=Max("created_at"))
        .values_list("actor_arn", "last")
    )
    found = []
    for one in entities:
        if isinstance(one, Role):
            prefix = _session_prefix(one)
            times = [t for arn, t in used.items() if arn.startswith(prefix)]
        else:
            times = [used[one.arn]] if one.arn in used else []
        found.append(EntityAccess(one, max(times, default=None)))
    never = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    found.sort(key=lambda e: e.last_accessed or never, reverse=True)
    return found


@aws_read("iam:GetServiceLastAccessedDetailsWithEntities")
def get_service_last_accessed_details_with_entities(
    actor: Actor, *, job_id: str, service_namespace: str
) -> tuple[Job, list[EntityAccess]]:
    """GetServiceLastAccessedDetailsWithEntities: the job (always COMPLETED) and the users and
    roles behind its entity that could have used the service."""
    authorize(actor, "iam:GetServiceLastAccessedDetailsWithEntities", "*")
    if not _NAMESPACE.fullmatch(service_namespace or ""):
        raise InvalidInput(
            "1 validation error detected: Value at 'serviceNamespace' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w-]*"
        )
    entity, created = _job(actor, job_id)
    job = Job(job_id, created, timezone.now(), [])
    return job, entities_of(entity, actor.account, service_namespace.lower())
