"""Classes: student accounts made from a lab template, their progress, reset and close."""

from __future__ import annotations

import pytest

from accounts.models import Account, AuditEvent, GroupMembership, Principal, Role
from classroom.models import LabClass, Stack, Student
from domain.classroom import classes, labs, organizations
from domain.iam import access, groups, sts
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from domain.kernel.errors import AccessDenied, StackError, ValidationError
from policies.models import ManagedPolicy


def intro() -> str:
    lab = labs.shipped_lab("introductory-iam-lab")
    assert lab is not None
    return lab.body


def make_class(actor: Actor, count: int = 2, name: str = "IAM 101") -> classes.NewClass:
    return classes.create_class(
        actor=actor, name=name, students=count, template_body=intro(), template_name="intro"
    )


def test_a_class_is_student_accounts_deployed_from_the_template(root_actor: Actor) -> None:
    new = make_class(root_actor)
    assert [r.student for r in new.roster] == ["student-1", "student-2"]
    ids = {r.account_id for r in new.roster}
    assert len(ids) == 2 and all(len(i) == 12 and i.isdigit() for i in ids)
    assert root_actor.account.id not in ids
    for row in new.roster:
        account = Account.objects.get(id=row.account_id)
        admin = Principal.objects.get(account=account, name=classes.ADMIN_USER)
        assert admin.check_password(row.password) and admin.password_reset_required
        role = Role.objects.get(account=account, name=organizations.ACCESS_ROLE)
        assert f"arn:aws:iam::{root_actor.account.id}:root" in role.trust_policy
        assert role.attachments.get().policy.name == "AdministratorAccess"
        assert Principal.objects.get(account=account, name="user-3").check_password(
            row.lab_secrets["LabUserPassword"]
        )
        assert Stack.objects.get(account=account).name == "lab"
    # Each student's generated passwords are their own.
    assert new.roster[0].password != new.roster[1].password
    assert (
        AuditEvent.objects.filter(
            account=root_actor.account, action="organizations:CreateAccount"
        ).count()
        == 2
    )


def test_progress_shows_each_check_done_or_not_yet(root_actor: Actor) -> None:
    new = make_class(root_actor)
    lab_class = new.lab_class
    before = classes.progress(root_actor, lab_class)
    assert [c.done for c in before[0].checks] == [False, False, False, False]
    account = Account.objects.get(id=new.roster[0].account_id)
    admin = Actor(principal=Principal.objects.get(account=account, name=classes.ADMIN_USER))
    groups.add_user_to_group(
        actor=admin,
        group=access.get_group(admin, "EC2-Admin"),
        user=access.get_user(admin, "user-3"),
    )
    after = classes.progress(root_actor, lab_class)
    assert after[0].checks[2].title == "Add user-3 to the EC2-Admin group"
    assert after[0].checks[2].done
    assert not after[1].checks[2].done


def test_reset_restores_the_template_and_keeps_the_roster_passwords(root_actor: Actor) -> None:
    new = make_class(root_actor)
    account = Account.objects.get(id=new.roster[0].account_id)
    admin = Actor(principal=Principal.objects.get(account=account, name=classes.ADMIN_USER))
    user3 = access.get_user(admin, "user-3")
    groups.add_user_to_group(actor=admin, group=access.get_group(admin, "EC2-Admin"), user=user3)
    policy_services.attach_user_policy(
        actor=admin,
        user=user3,
        policy=ManagedPolicy.objects.get(account=None, name="ReadOnlyAccess"),
    )
    classes.reset_student(actor=root_actor, lab_class=new.lab_class, number=1)
    assert not GroupMembership.objects.filter(group__account=account).exists()
    user3 = Principal.objects.get(account=account, name="user-3")
    assert user3.check_password(new.roster[0].lab_secrets["LabUserPassword"])
    assert Principal.objects.get(account=account, name=classes.ADMIN_USER).check_password(
        new.roster[0].password
    )
    classes.reset_class(actor=root_actor, lab_class=new.lab_class)
    assert Stack.objects.filter(name="lab").count() == 2


def test_close_deletes_the_student_accounts_and_everything_in_them(root_actor: Actor) -> None:
    new = make_class(root_actor)
    ids = [r.account_id for r in new.roster]
    classes.close_class(actor=root_actor, lab_class=new.lab_class)
    assert not Account.objects.filter(id__in=ids).exists()
    assert not Principal.objects.filter(account_id__in=ids).exists()
    assert not LabClass.objects.exists() and not Student.objects.exists()
    assert Account.objects.filter(id=root_actor.account.id).exists()


def test_close_works_with_boundaries_and_customer_policies(root_actor: Actor) -> None:
    lab = labs.shipped_lab("user-and-role-labs")
    assert lab is not None
    new = classes.create_class(actor=root_actor, name="roles", students=1, template_body=lab.body)
    classes.close_class(actor=root_actor, lab_class=new.lab_class)
    assert not Account.objects.filter(id=new.roster[0].account_id).exists()


def test_the_instructor_needs_organizations_create_account(
    root_actor: Actor, alice: Principal
) -> None:
    with pytest.raises(AccessDenied, match="organizations:CreateAccount"):
        make_class(Actor(principal=alice))
    assert not LabClass.objects.exists()
    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="org",
        document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":["organizations:*","cloudformation:*"],"Resource":"*"}]}',
    )
    new = make_class(Actor(principal=alice), count=1)
    assert new.lab_class.account == root_actor.account


def test_a_student_account_cannot_make_classes_nor_see_others(
    root_actor: Actor, outsider: Principal
) -> None:
    new = make_class(root_actor, count=1)
    student_root = organizations.member_root(Account.objects.get(id=new.roster[0].account_id))
    with pytest.raises(AccessDenied):
        make_class(student_root, count=1, name="nested")
    with pytest.raises(StackError):
        classes.get_class(Actor(principal=outsider), new.lab_class.pk)
    with pytest.raises(StackError):
        classes.close_class(actor=Actor(principal=outsider), lab_class=new.lab_class)
    assert Student.objects.count() == 1


def test_bad_input_changes_nothing(root_actor: Actor) -> None:
    with pytest.raises(ValidationError):
        make_class(root_actor, count=0)
    with pytest.raises(ValidationError):
        make_class(root_actor, name="")
    with pytest.raises(StackError):
        classes.create_class(
            actor=root_actor,
            name="x",
            students=1,
            template_body="Resources: {Q: {Type: AWS::SQS::Queue}}",
        )
    make_class(root_actor, count=1)
    with pytest.raises(StackError, match="already exists"):
        make_class(root_actor, count=1)
    assert Account.objects.count() == 2


def test_the_instructor_switches_into_a_student_account(
    root_actor: Actor, alice: Principal
) -> None:
    new = make_class(root_actor, count=1)
    policy_services.attach_user_policy(
        actor=root_actor,
        user=alice,
        policy=ManagedPolicy.objects.get(account=None, name="AdministratorAccess"),
    )
    assumed = sts.switch_role(
        actor=Actor(principal=alice),
        account=new.roster[0].account_id,
        role_name=organizations.ACCESS_ROLE,
    )
    assert assumed.arn.startswith(f"arn:aws:sts::{new.roster[0].account_id}:assumed-role/")


def test_policy_and_event_checks_of_the_user_and_role_lab(root_actor: Actor) -> None:
    lab = labs.shipped_lab("user-and-role-labs")
    assert lab is not None
    new = classes.create_class(actor=root_actor, name="roles", students=1, template_body=lab.body)
    account = Account.objects.get(id=new.roster[0].account_id)
    admin = Actor(principal=Principal.objects.get(account=account, name=classes.ADMIN_USER))
    auditors = access.get_group(admin, "Auditors")
    groups.add_user_to_group(actor=admin, group=auditors, user=access.get_user(admin, "audit-bob"))
    policy_services.attach_group_policy(
        actor=admin,
        group=auditors,
        policy=ManagedPolicy.objects.get(account=None, name="ReadOnlyAccess"),
    )
    before = classes.progress(root_actor, new.lab_class)[0].checks
    assert [c.done for c in before] == [True, True, False]
    assert before[0].title == "The auditor is in the Auditors group"
    bob = Actor(principal=Principal.objects.get(account=account, name="audit-bob"))
    sts.assume_role(
        actor=bob, role_arn=f"arn:aws:iam::{account.id}:role/AuditRole", role_session_name="bob"
    )
    after = classes.progress(root_actor, new.lab_class)[0].checks
    assert [c.done for c in after] == [True, True, True]
