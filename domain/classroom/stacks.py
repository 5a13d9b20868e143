"""Lab templates deployed as stacks (CloudFormation's CreateStack and DeleteStack, for the
resource types in `domain.classroom.resources`).

A stack is created in one transaction: every resource, in dependency order, through the
domain writers with the deploying actor (so IAM authorizes each call as CloudFormation's
caller credentials would be). The first failure rolls everything back and names the failing
logical resource. The stack's record lists what was made, so a delete undoes exactly that.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.http import Http404

from accounts import passwords
from classroom import cfn
from classroom.models import Stack, StackResource
from domain import s3
from domain.classroom import resources
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import IamError, StackError
from domain.kernel.registry import aws_action, aws_read
from domain.kernel.request_context import Target

MASK = "****"
_STACK_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


@dataclass(frozen=True)
class Deployed:
    """A created stack, with the values shown once: NoEcho parameters that were generated
    (and outputs that carry them) in clear."""

    stack: Stack
    outputs: dict[str, str]
    generated: dict[str, str] = field(default_factory=dict)


def stack_arn(account_id: str, name: str) -> str:
    return f"arn:aws:cloudformation:{cfn.PSEUDO_REGION}:{account_id}:stack/{name}/{uuid.uuid4()}"


@functools.lru_cache(maxsize=32)
def read_template(body: str) -> cfn.Template:
    """The template parsed, its resource types known and its dependencies resolvable (kept
    for the next call with the same body: a class deploys one template into every account;
    nothing changes a Template after it is read)."""
    try:
        template = cfn.parse(body)
        cfn.creation_order(template)
    except cfn.TemplateError as error:
        raise StackError.template(error.message, logical_id=error.logical_id) from None
    for logical_id, resource in template.resources.items():
        if resources.handler(str(resource["Type"])) is None:
            raise StackError.unrecognized_types(logical_id, [str(resource["Type"])])
    return template


def _check_stack_name(name: str) -> None:
    if not name or len(name) > 128 or not name[0].isalpha() or not set(name) <= _STACK_NAME_CHARS:
        raise StackError.template(
            f"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z][-a-zA-Z0-9]*",
            field="stack_name",
        )


@aws_action("cloudformation:CreateStack")
def create_stack(
    *,
    actor: Actor,
    name: str,
    template_body: str,
    parameters: Mapping[str, str] | None = None,
    template_name: str = "",
    generate: Callable[[], str] = passwords.generate,
) -> Deployed:
    """Deploys a lab template into the actor's account, all or nothing."""
    name = name.strip()
    _check_stack_name(name)
    account = actor.account
    arn = stack_arn(account.id, name)
    authorize(actor, "cloudformation:CreateStack", Target(arn))
    template = read_template(template_body)
    try:
        values, generated = cfn.parameter_values(template, parameters or {}, generate)
    except cfn.TemplateError as error:
        raise StackError.template(error.message, field=error.field) from None
    if Stack.objects.filter(account=account, name=name).exists():
        raise StackError.already_exists(name)
    ctx = cfn.Context(account_id=account.id, stack_name=name, stack_id=arn, parameters=values)
    deploy = resources.Deployment(actor=actor, stack_name=name)
    try:
        with transaction.atomic():
            stack = Stack.objects.create(
                account=account,
                name=name,
                stack_id=arn,
                template_name=template_name,
                template_body=template_body,
                parameters={
                    k: MASK if template.parameters[k].no_echo else v for k, v in values.items()
                },
                created_by=actor.arn,
            )
            for position, logical_id in enumerate(cfn.creation_order(template)):
                made = _create_resource(deploy, ctx, logical_id, template.resources[logical_id])
                StackResource.objects.create(
                    stack=stack,
                    position=position,
                    logical_id=logical_id,
                    resource_type=template.resources[logical_id]["Type"],
                    physical_id=made.physical_id,
                    details=made.details,
                )
            shown = _outputs(template, ctx)
            secrets = {values[k] for k in generated} | {
                values[k] for k, p in template.parameters.items() if p.no_echo
            }
            stack.outputs = {k: MASK if v in secrets else v for k, v in shown.items()}
            stack.save(update_fields=["outputs"])
            audit.record(actor, "cloudformation:CreateStack", arn, details={"stack": name})
    except IntegrityError:
        raise StackError.already_exists(name) from None
    return Deployed(stack=stack, outputs=shown, generated={k: values[k] for k in generated})


def _create_resource(
    deploy: resources.Deployment, ctx: cfn.Context, logical_id: str, resource: dict[str, object]
) -> resources.Made:
    kind = str(resource["Type"])
    handlers = resources.handler(kind)
    assert handlers is not None  # read_template checked every type
    try:
        props = cfn.resolve(resource.get("Properties", {}), ctx)
        made = handlers.create(deploy, logical_id, props)
    except cfn.TemplateError as error:
        raise StackError.resource_failed(logical_id, kind, error.message) from None
    except IamError as error:
        raise StackError.resource_failed(logical_id, kind, f"{error.code}: {error.message}") from (
            None
        )
    except Http404 as error:
        raise StackError.resource_failed(logical_id, kind, f"NoSuchEntity: {error}") from None
    ctx.physical[logical_id] = made.physical_id
    ctx.attributes[logical_id] = made.attributes
    return made


def _outputs(template: cfn.Template, ctx: cfn.Context) -> dict[str, str]:
    try:
        return cfn.outputs(template, ctx)
    except cfn.TemplateError as error:
        raise StackError.template(error.message) from None


@aws_action("cloudformation:DeleteStack")
def delete_stack(*, actor: Actor, stack: Stack) -> None:
    """Deletes what the stack made, newest first, then its record; all or nothing."""
    if stack.account_id != actor.account.id:
        raise StackError.no_such_stack(stack.name)
    authorize(actor, "cloudformation:DeleteStack", Target(stack.stack_id))
    with transaction.atomic():
        for item in reversed(list(stack.resources.all())):
            handlers = resources.handler(item.resource_type)
            if handlers is None:
                continue
            try:
                handlers.delete(actor, item.physical_id, item.details)
            except IamError as error:
                raise StackError.resource_failed(
                    item.logical_id, item.resource_type, f"{error.code}: {error.message}"
                ) from None
        stack.delete()
        audit.record(
            actor, "cloudformation:DeleteStack", stack.stack_id, details={"stack": stack.name}
        )


def empty_buckets(*, actor: Actor, stack: Stack) -> None:
    """Every object in the stack's buckets deleted (S3's "Empty bucket", by `actor`), so
    that DeleteStack can delete them: a class reset starts the lab over."""
    for item in stack.resources.filter(resource_type=resources.BUCKET):
        if resources.owns_bucket(actor, item.physical_id):
            s3.delete_under(actor=actor, bucket_name=item.physical_id, prefix="")


@aws_read("cloudformation:DescribeStacks")
def describe_stacks(actor: Actor) -> list[Stack]:
    """The account's stacks, newest first."""
    authorize(actor, "cloudformation:DescribeStacks", "*")
    return list(Stack.objects.filter(account=actor.account))


def stack_named(actor: Actor, name: str) -> Stack:
    authorize(actor, "cloudformation:DescribeStacks", "*")
    stack = Stack.objects.filter(account=actor.account, name=name).first()
    if stack is None:
        raise StackError.no_such_stack(name)
    return stack


def stack_resources(actor: Actor, stack: Stack) -> list[StackResource]:
    authorize(actor, "cloudformation:DescribeStackResources", "*")
    return list(stack.resources.filter(stack__account=actor.account))
