"""Classes: an instructor's student accounts, each deployed from one lab template.

Creating a class is, per student, AWS Organizations' CreateAccount (a member account with
its OrganizationAccountAccessRole trusting the instructor's account), an administrator IAM
user with a one-time password (changed at first sign-in), and the lab template deployed as
the stack `lab` (as StackSets deploy into member accounts). Reset deletes that stack and
deploys it again; close closes every student account.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from accounts import crypto, hashers, passwords
from accounts.models import Account
from classroom import cfn
from classroom.models import LabClass, Stack, Student
from domain.classroom import checks, organizations, stacks
from domain.iam import user_creation
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import StackError, ValidationError

MAX_STUDENTS = 100
LAB_STACK = "lab"
ADMIN_USER = "student-admin"
_CLASS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")


@dataclass(frozen=True)
class RosterRow:
    """A student's first sign-in: shown and downloadable once."""

    student: str
    account_id: str
    user_name: str
    password: str
    lab_secrets: dict[str, str] = field(default_factory=dict)  # generated NoEcho parameters


@dataclass(frozen=True)
class NewClass:
    lab_class: LabClass
    roster: list[RosterRow]


@dataclass(frozen=True)
class StudentProgress:
    student: Student
    checks: list[checks.CheckResult]

    @property
    def done(self) -> int:
        return sum(1 for c in self.checks if c.done)


def _check_class(name: str, count: int) -> None:
    if not _CLASS_NAME.match(name):
        raise ValidationError(
            "The class name must be 1 to 64 letters, digits, spaces, periods, hyphens or "
            "underscores, starting with a letter or digit.",
            field="name",
        )
    if not 1 <= count <= MAX_STUDENTS:
        raise ValidationError(f"A class has 1 to {MAX_STUDENTS} students.", field="students")


def create_class(
    *,
    actor: Actor,
    name: str,
    students: int,
    template_body: str,
    template_name: str = "",
    parameters: Mapping[str, str] | None = None,
    generate: Callable[[], str] = passwords.generate,
) -> NewClass:
    """Creates the class and its student accounts, all or nothing (organizations:CreateAccount
    for each account; the lab's resources through the IAM writers in each account)."""
    name = name.strip()
    _check_class(name, students)
    authorize(actor, "organizations:CreateAccount", "*")
    authorize(actor, "cloudformation:CreateStackInstances", "*")
    organizations.check_management_account(actor)
    template = stacks.read_template(template_body)
    given = dict(parameters or {})
    try:
        cfn.parameter_values(template, given, generate)
    except cfn.TemplateError as error:
        raise StackError.template(error.message, field=error.field) from None
    if LabClass.objects.filter(account=actor.account, name=name).exists():
        raise StackError.class_exists(name)
    # Every student's passwords are decided first, so they are hashed in one batch.
    plans = [_plan(template, given, generate) for _ in range(students)]
    secrets = [p.password for p in plans] + [v for p in plans for v in p.lab_secrets.values()]
    roster: list[RosterRow] = []
    try:
        with hashers.prehashed(secrets), transaction.atomic():
            lab_class = LabClass.objects.create(
                account=actor.account,
                name=name,
                template_name=template_name,
                template_body=template_body,
                parameters={
                    k: stacks.MASK if template.parameters[k].no_echo else v
                    for k, v in given.items()
                },
                parameters_token=crypto.encrypt(json.dumps(given)),
                created_by=actor.arn,
            )
            for number, plan in enumerate(plans, start=1):
                roster.append(_add_student(actor, lab_class, number, given, plan))
            audit.record(actor, "classroom:CreateClass", name, details={"students": students})
    except IntegrityError:
        raise StackError.class_exists(name) from None
    return NewClass(lab_class=lab_class, roster=roster)


@dataclass(frozen=True)
class _Plan:
    password: str  # the administrator's one-time password
    lab_secrets: dict[str, str]  # the NoEcho parameters generated for this student


def _plan(template: cfn.Template, given: Mapping[str, str], generate: Callable[[], str]) -> _Plan:
    values, generated = cfn.parameter_values(template, given, generate)
    return _Plan(password=generate(), lab_secrets={k: values[k] for k in generated})


def _add_student(
    actor: Actor, lab_class: LabClass, number: int, given: Mapping[str, str], plan: _Plan
) -> RosterRow:
    account = organizations.create_account(
        actor=actor,
        email=f"student-{number}@{{account}}.classroom.invalid",
        account_name=f"{lab_class.name} student {number}"[:50],
    )
    _admin(account, plan.password)
    _deploy(account, lab_class, {**given, **plan.lab_secrets})
    Student.objects.create(
        lab_class=lab_class,
        number=number,
        student_account=account,
        admin_user_name=ADMIN_USER,
        lab_secrets_token=crypto.encrypt(json.dumps(plan.lab_secrets)),
    )
    return RosterRow(
        student=f"student-{number}",
        account_id=account.id,
        user_name=ADMIN_USER,
        password=plan.password,
        lab_secrets=plan.lab_secrets,
    )


def _admin(account: Account, password: str) -> None:
    user_creation.create_user_with_access(
        actor=organizations.member_root(account),
        new=user_creation.NewUser(
            name=ADMIN_USER,
            console_password=password,
            password_reset_required=True,
            policies=[organizations.administrator_access()],
        ),
    )


def _deploy(account: Account, lab_class: LabClass, given: Mapping[str, str]) -> None:
    stacks.create_stack(
        actor=organizations.member_root(account),
        name=LAB_STACK,
        template_body=lab_class.template_body,
        parameters=given,
        template_name=lab_class.template_name,
    )


# --- the instructor's view ----------------------------------------------------------------


def list_classes(actor: Actor) -> list[LabClass]:
    authorize(actor, "organizations:ListAccounts", "*")
    return list(LabClass.objects.filter(account=actor.account))


def get_class(actor: Actor, class_id: int) -> LabClass:
    authorize(actor, "organizations:ListAccounts", "*")
    found = LabClass.objects.filter(account=actor.account, pk=class_id).first()
    if found is None:
        raise StackError.no_such_class(str(class_id))
    return found


def _student(lab_class: LabClass, number: int) -> Student:
    student = lab_class.students.filter(number=number).select_related("student_account").first()
    if student is None:
        raise StackError.no_such_class(f"{lab_class.name} student-{number}")
    return student


def progress(actor: Actor, lab_class: LabClass) -> list[StudentProgress]:
    """Each student's lab checks, done or not yet."""
    authorize(actor, "organizations:ListAccounts", "*")
    if lab_class.account_id != actor.account.id:
        raise StackError.no_such_class(lab_class.name)
    template = stacks.read_template(lab_class.template_body)
    found = []
    for student in lab_class.students.select_related("student_account"):
        stack = Stack.objects.filter(account=student.student_account, name=LAB_STACK).first()
        values = dict(stack.parameters) if stack is not None else {}
        found.append(
            StudentProgress(
                student=student,
                checks=checks.evaluate(
                    template,
                    student.student_account,
                    values,
                    since=stack.created_at if stack is not None else None,
                ),
            )
        )
    return found


def reset_student(*, actor: Actor, lab_class: LabClass, number: int) -> None:
    """The student's lab back to the template: its stack deleted (with what the student
    added to the stack's users, groups and roles) and deployed again. Generated NoEcho
    parameters get new values, which are not shown again: the roster's passwords stay."""
    authorize(actor, "cloudformation:UpdateStackInstances", "*")
    if lab_class.account_id != actor.account.id:
        raise StackError.no_such_class(lab_class.name)
    student = _student(lab_class, number)
    with transaction.atomic():
        _reset(student, lab_class)
        audit.record(actor, "classroom:ResetStudent", lab_class.name, details={"student": number})


def reset_class(*, actor: Actor, lab_class: LabClass) -> None:
    authorize(actor, "cloudformation:UpdateStackInstances", "*")
    if lab_class.account_id != actor.account.id:
        raise StackError.no_such_class(lab_class.name)
    with transaction.atomic():
        for student in lab_class.students.select_related("student_account"):
            _reset(student, lab_class)
        audit.record(actor, "classroom:ResetClass", lab_class.name)


def _reset(student: Student, lab_class: LabClass) -> None:
    account = student.student_account
    member = organizations.member_root(account)
    stack = Stack.objects.filter(account=account, name=LAB_STACK).first()
    if stack is not None:
        # DeleteStack refuses a bucket with objects in it (as CloudFormation does): what the
        # student stored in the lab's buckets goes first.
        stacks.empty_buckets(actor=member, stack=stack)
        stacks.delete_stack(actor=member, stack=stack)
    given = {**_opened(lab_class.parameters_token), **_opened(student.lab_secrets_token)}
    _deploy(account, lab_class, given)


def _opened(token: str) -> dict[str, str]:
    """Values kept encrypted; a token no key opens any more counts as none."""
    if not token:
        return {}
    try:
        values = json.loads(crypto.decrypt(token))
    except (crypto.InvalidToken, ValueError):
        return {}
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}


def close_class(*, actor: Actor, lab_class: LabClass) -> None:
    """Closes every student account (and everything in them), then the class."""
    if lab_class.account_id != actor.account.id:
        raise StackError.no_such_class(lab_class.name)
    with transaction.atomic():
        for student in list(lab_class.students.select_related("student_account")):
            organizations.close_account(actor=actor, account=student.student_account)
        audit.record(actor, "classroom:CloseClass", lab_class.name)
        lab_class.delete()
