"""A class in the browser: the instructor creates it from the introductory lab, downloads the
roster, a student signs in from it and does a step of the lab, user-3 stops the lab's
instance, the instructor sees both done, switches into the student's account and back, and
resets the student's lab."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlparse

from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from domain import iam as services
from domain.kernel.actors import Actor
from ec2.models import Instance
from policies.models import ManagedPolicy
from tests.conftest import PASSWORD

NEW_PASSWORD = "Student-New-Pass-1!"


def test_an_instructor_runs_a_class_of_three(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    root_actor: Actor,
    aws_managed_policies: None,
    settings: Settings,
) -> None:
    settings.EC2_TRANSITION_SECONDS = 0
    services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(
            name="teacher",
            console_password=PASSWORD,
            password_reset_required=False,
            policies=[ManagedPolicy.objects.get(account=None, name="AdministratorAccess")],
        ),
    )
    account_id = root_actor.account.id
    page.goto(f"/signin/{account_id}/")
    page.get_by_label("IAM user name").fill("teacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()

    # Create the class from the shipped introductory lab.
    page.get_by_role("link", name="Lab templates").click()
    page.get_by_test_id("lab-introductory-iam-lab").get_by_role("link", name="Create class").click()
    page.get_by_label("Class name").fill("IAM 101")
    page.get_by_label("Number of students").fill("3")
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", name="IAM 101")).to_be_visible()
    expect(
        page.get_by_text("This is the only time the one-time passwords are shown.")
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download roster (.csv)").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Student"] for r in rows] == ["student-1", "student-2", "student-3"]
    first = rows[0]
    check = page.get_by_test_id("check-1-3")
    expect(check).to_contain_text("Not yet")
    expect(check).to_contain_text("Add user-3 to the EC2-Admin group")

    # The student signs in from the roster, sets a new password and adds user-3 to EC2-Admin.
    student_context = browser.new_context(base_url=live_server.url)
    student = student_context.new_page()
    student.goto(urlparse(first["Console sign-in URL"]).path)
    student.get_by_label("IAM user name").fill(first["User name"])
    student.get_by_label("Password").fill(first["Password"])
    student.get_by_role("button", name="Sign in").click()
    expect(student.get_by_role("heading", name="Set a new password")).to_be_visible()
    student.get_by_label("Old password").fill(first["Password"])
    student.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    student.get_by_label("Retype new password").fill(NEW_PASSWORD)
    student.get_by_role("button", name="Confirm password change").click()
    expect(student.get_by_test_id("account-menu")).to_contain_text(first["Account ID"])
    student.goto("/groups/details/EC2-Admin/users/add/")
    student.get_by_label("user-3").check()
    student.get_by_role("button", name="Add users").click()
    expect(student.get_by_role("cell", name="user-3", exact=True)).to_be_visible()
    expect(
        student.get_by_text(f"arn:aws:iam::{first['Account ID']}:group/EC2-Admin")
    ).to_be_visible()
    student_context.close()

    # user-3 signs in with the lab password and stops the lab's instance, LabHost.
    lab_password = first["Lab passwords"].removeprefix("LabUserPassword=")
    host = Instance.objects.get(account_id=first["Account ID"])
    user3_context = browser.new_context(base_url=live_server.url)
    user3 = user3_context.new_page()
    user3.goto(urlparse(first["Console sign-in URL"]).path)
    user3.get_by_label("IAM user name").fill("user-3")
    user3.get_by_label("Password").fill(lab_password)
    user3.get_by_role("button", name="Sign in").click()
    expect(user3.get_by_test_id("account-menu")).to_contain_text("user-3")
    user3.goto("/ec2/instances/")
    expect(user3.get_by_role("row", name=host.instance_id)).to_contain_text("LabHost")
    user3.get_by_label("Select LabHost").check()
    user3.get_by_test_id("instance-state-menu").locator("summary").click()
    user3.get_by_role("button", name="Stop instance").click()
    expect(user3.get_by_role("status")).to_contain_text(f"Successfully stopped {host.instance_id}")
    user3_context.close()

    # The instructor sees both steps done for student-1 only.
    page.reload()
    expect(page.get_by_test_id("check-1-3")).to_contain_text("Done")
    expect(page.get_by_test_id("check-2-3")).to_contain_text("Not yet")
    expect(page.get_by_test_id("check-1-4")).to_contain_text("Done")
    expect(page.get_by_test_id("check-1-4")).to_contain_text("user-3 stopped an instance")
    expect(page.get_by_test_id("check-2-4")).to_contain_text("Not yet")
    expect(page.get_by_test_id("student-1")).to_contain_text("2 of 4")
    # The passwords are not shown again.
    expect(page.get_by_text(first["Password"])).to_have_count(0)

    # Switch role into the student's account, look, and switch back.
    page.get_by_test_id("student-1").get_by_role("link", name="Switch role").click()
    expect(page.get_by_label("Account ID or alias")).to_have_value(first["Account ID"])
    expect(page.get_by_label("IAM role name")).to_have_value("OrganizationAccountAccessRole")
    page.get_by_role("button", name="Switch Role").click()
    expect(page.get_by_test_id("role-badge")).to_have_text("IAM 101 student-1")
    page.goto("/users/")
    expect(page.get_by_role("link", name="user-3")).to_be_visible()
    expect(page.get_by_role("link", name="student-admin")).to_be_visible()
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Switch back").click()
    expect(page.get_by_test_id("account-menu")).to_have_text(f"teacher @ {account_id}")

    # Reset restores the template: the step is not done any more.
    page.goto("/classes/")
    page.get_by_role("link", name="IAM 101").click()
    page.get_by_test_id("student-1").get_by_role("button", name="Reset").click()
    expect(page.get_by_text("The lab of student-1 was reset to the template.")).to_be_visible()
    expect(page.get_by_test_id("check-1-3")).to_contain_text("Not yet")
    expect(page.get_by_test_id("check-1-4")).to_contain_text("Not yet")
