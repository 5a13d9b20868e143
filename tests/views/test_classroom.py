"""The Lab templates and Classes pages through the test client."""

from __future__ import annotations

import csv
import io
import re

from django.test import Client
from pytest_django import Settings

from accounts.models import Account, GroupMembership, Principal
from classroom.models import LabClass, Stack
from domain.classroom import labs
from ec2.models import Instance

PASSWORD = "Lab-Password-42!"


def test_the_lab_templates_page_lists_the_shipped_templates(root_client: Client) -> None:
    page = root_client.get("/labs/")
    assert page.status_code == 200
    text = page.content.decode()
    for lab in labs.shipped_labs():
        assert lab.title in text
    assert "No stacks to display." in text


def test_deploy_a_shipped_template_shows_outputs_once_then_delete(root_client: Client) -> None:
    form = root_client.get("/labs/deploy/?lab=introductory-iam-lab").content.decode()
    assert 'name="param-LabUserPassword"' in form
    page = root_client.post(
        "/labs/deploy/",
        {"lab": "introductory-iam-lab", "stack_name": "intro", "deploy": "1"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Generated passwords are shown only now." in text
    assert Principal.objects.filter(name="user-3").exists()
    detail = root_client.get("/labs/stacks/intro/").content.decode()
    assert "EC2AdminGroup" in detail and "****" in detail
    wrong = root_client.post("/labs/stacks/intro/", {"confirm": "nope"})
    assert wrong.status_code == 200 and Stack.objects.exists()
    done = root_client.post("/labs/stacks/intro/", {"confirm": "intro"})
    assert done.status_code == 302
    assert not Stack.objects.exists() and not Principal.objects.filter(name="user-3").exists()


def test_a_pasted_template_asks_for_parameters_then_deploys(root_client: Client) -> None:
    body = (
        "Parameters:\n  Team: {Type: String}\n"
        "Resources:\n  G: {Type: AWS::IAM::Group, Properties: {GroupName: !Sub 'team-${Team}'}}\n"
    )
    first = root_client.post(
        "/labs/deploy/", {"template": body, "stack_name": "mine", "review": "1"}
    )
    assert 'name="param-Team"' in first.content.decode()
    missing = root_client.post(
        "/labs/deploy/", {"template": body, "stack_name": "mine", "deploy": "1"}
    )
    assert missing.status_code == 400
    assert "Parameters: [Team] must have values" in missing.content.decode()
    root_client.post(
        "/labs/deploy/",
        {"template": body, "stack_name": "mine", "deploy": "1", "param-Team": "red"},
    )
    assert Stack.objects.get().name == "mine"


def test_a_failing_template_names_its_resource_beside_the_form(root_client: Client) -> None:
    body = (
        "Resources:\n  Bad: {Type: AWS::IAM::Group, Properties: {GroupName: 'no spaces allowed'}}\n"
    )
    page = root_client.post("/labs/deploy/", {"template": body, "stack_name": "bad", "deploy": "1"})
    assert page.status_code == 400
    assert "Resource Bad (AWS::IAM::Group) failed" in page.content.decode()
    unknown = root_client.post(
        "/labs/deploy/",
        {
            "template": "Resources: {B: {Type: AWS::Lambda::Function}}",
            "stack_name": "b",
            "deploy": "1",
        },
    )
    assert "Unrecognized resource types: [AWS::Lambda::Function]" in unknown.content.decode()
    assert not Stack.objects.exists()


def test_a_class_roster_is_shown_and_downloaded_once(root_client: Client) -> None:
    page = root_client.post(
        "/classes/create/", {"name": "IAM 101", "students": "2", "lab": "introductory-iam-lab"}
    )
    assert page.status_code == 302
    lab_class = LabClass.objects.get()
    detail = root_client.get(page["Location"]).content.decode()
    assert "This is the only time the one-time passwords are shown." in detail
    assert "Not yet" in detail and "Add user-3 to the EC2-Admin group" in detail
    roster = root_client.get(f"/classes/{lab_class.pk}/roster.csv")
    rows = list(csv.reader(io.StringIO(roster.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Student", "Account ID", "Console sign-in URL", "User name", "Password"]
    assert [r[0] for r in rows[1:]] == ["student-1", "student-2"]
    account = Account.objects.get(id=rows[1][1])
    admin = Principal.objects.get(account=account, name=rows[1][3])
    assert admin.check_password(rows[1][4])
    assert rows[1][2].endswith(f"/signin/{account.id}/")
    # Once: neither the page nor the file shows the passwords again.
    again = root_client.get(f"/classes/{lab_class.pk}/").content.decode()
    assert rows[1][4] not in again
    assert root_client.get(f"/classes/{lab_class.pk}/roster.csv").status_code == 302
    # Reset and close.
    user3 = Principal.objects.get(account=account, name="user-3")
    GroupMembership.objects.create(group=account.groups.get(name="EC2-Admin"), principal=user3)
    assert "Done" in root_client.get(f"/classes/{lab_class.pk}/").content.decode()
    root_client.post(f"/classes/{lab_class.pk}/reset/", {"student": "1"})
    assert not GroupMembership.objects.filter(group__account=account).exists()
    closed = root_client.post(f"/classes/{lab_class.pk}/close/", {"confirm": "IAM 101"})
    assert closed.status_code == 302
    assert not Account.objects.filter(id=account.id).exists()


def test_another_accounts_class_is_not_found(root_client: Client, outsider_client: Client) -> None:
    root_client.post(
        "/classes/create/", {"name": "mine", "students": "1", "lab": "introductory-iam-lab"}
    )
    lab_class = LabClass.objects.get()
    assert outsider_client.get(f"/classes/{lab_class.pk}/").status_code == 404
    assert (
        outsider_client.post(f"/classes/{lab_class.pk}/close/", {"confirm": "mine"}).status_code
        == 404
    )
    assert outsider_client.get(f"/classes/{lab_class.pk}/roster.csv").status_code == 302
    assert LabClass.objects.exists()


def test_bad_class_input_is_shown_beside_the_field(root_client: Client) -> None:
    page = root_client.post(
        "/classes/create/", {"name": "x", "students": "0", "lab": "introductory-iam-lab"}
    )
    assert page.status_code == 400
    page = root_client.post("/classes/create/", {"name": "x", "students": "1"})
    assert "Choose a template, or paste or upload your own." in page.content.decode()
    assert not LabClass.objects.exists()


def test_user_3_stopping_the_lab_host_turns_the_check_done(
    root_client: Client, settings: Settings
) -> None:
    settings.EC2_TRANSITION_SECONDS = 0
    root_client.post(
        "/classes/create/", {"name": "IAM 101", "students": "2", "lab": "introductory-iam-lab"}
    )
    lab_class = LabClass.objects.get()
    student = lab_class.students.get(number=1)
    account = student.student_account
    host = Instance.objects.get(account=account)
    assert host.name == "LabHost"
    stopped = re.compile(
        r'data-testid="check-(\d)-4"><span class="[\w-]+">(Done|Not yet)</span> '
        r"user-3 stopped an instance"
    )

    def checks() -> dict[str, str]:
        page = root_client.get(f"/classes/{lab_class.pk}/").content.decode()
        return dict(stopped.findall(page))

    assert checks() == {"1": "Not yet", "2": "Not yet"}
    # user-3 signs in to the student's account, joins EC2-Admin (the lab's step 3) and stops
    # the instance from the EC2 console's Instance state menu.
    user3 = Principal.objects.get(account=account, name="user-3")
    GroupMembership.objects.create(group=account.groups.get(name="EC2-Admin"), principal=user3)
    user3_client = Client()
    user3_client.force_login(user3)
    listed = user3_client.get("/ec2/instances/").content.decode()
    assert "LabHost" in listed and host.instance_id in listed
    done = user3_client.post(
        "/ec2/instances/state/",
        {"action": "stop", "instance_ids": [host.instance_id], "region": host.region},
        follow=True,
    )
    assert f"Successfully stopped {host.instance_id}" in done.content.decode()
    assert checks() == {"1": "Done", "2": "Not yet"}
    # Reset: a new LabHost, and the check starts over.
    root_client.post(f"/classes/{lab_class.pk}/reset/", {"student": "1"})
    assert checks() == {"1": "Not yet", "2": "Not yet"}
    assert Instance.objects.filter(account=account).count() == 2  # the old one terminated
