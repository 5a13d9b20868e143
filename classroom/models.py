"""Stacks deployed from lab templates, and classes of student accounts."""

from __future__ import annotations

from django.db import models

from accounts.models import Account


class Stack(models.Model):
    """A lab template deployed into an account (CloudFormation's stack): what was made, in
    the order it was made, so a delete undoes exactly that."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stacks")
    name = models.CharField(max_length=128)
    stack_id = models.CharField(max_length=256, unique=True)
    template_name = models.CharField(max_length=128, blank=True)
    template_body = models.TextField()
    # Parameter values as deployed; NoEcho ones are stored masked ("****").
    parameters = models.JSONField(default=dict, blank=True)
    outputs = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=32, default="CREATE_COMPLETE")
    created_by = models.CharField(max_length=2048, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="stack_name_per_account")
        ]

    def __str__(self) -> str:
        return self.name


class StackResource(models.Model):
    stack = models.ForeignKey(Stack, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveIntegerField()
    logical_id = models.CharField(max_length=255)
    resource_type = models.CharField(max_length=128)
    physical_id = models.CharField(max_length=2048)
    # What deleting it needs (e.g. the user a UserToGroupAddition added, the policy's targets).
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["stack", "position"]

    def __str__(self) -> str:
        return f"{self.logical_id} ({self.resource_type})"


class LabClass(models.Model):
    """An instructor's class: student accounts made from one lab template, as an AWS
    Organizations organization's member accounts."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="lab_classes")
    name = models.CharField(max_length=64)
    template_name = models.CharField(max_length=128, blank=True)
    template_body = models.TextField()
    parameters = models.JSONField(default=dict, blank=True)
    # The parameter values as given, NoEcho ones included, encrypted (accounts.crypto): a
    # reset deploys the template again with them.
    parameters_token = models.TextField(blank=True)
    created_by = models.CharField(max_length=2048, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="class_name_per_account")
        ]

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    lab_class = models.ForeignKey(LabClass, on_delete=models.CASCADE, related_name="students")
    number = models.PositiveIntegerField()
    # The member account; closing the class deletes it (and everything in it).
    student_account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="student_of"
    )
    admin_user_name = models.CharField(max_length=64)
    # The NoEcho parameters generated for this student's lab, encrypted: a reset reuses them
    # so the passwords the roster gave out keep working.
    lab_secrets_token = models.TextField(blank=True)

    class Meta:
        ordering = ["lab_class", "number"]

    def __str__(self) -> str:
        return f"student-{self.number}"
