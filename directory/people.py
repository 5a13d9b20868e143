"""Example Corp's people and groups: fixed practice data.

Each group names the IAM role its members are offered when they sign in with SAML (the
Role attribute carries `arn:aws:iam::<account>:role/<role>,<provider ARN>` for each group),
the naming convention many real directories use for AWS.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    username: str  # the NameID and the OIDC `sub`
    name: str
    email: str
    title: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    name: str
    role_name: str  # the IAM role members are offered
    description: str


GROUPS: dict[str, Group] = {
    g.name: g
    for g in (
        Group("Developers", "ExampleCorp-Developers", "Build and run the company's services."),
        Group("Auditors", "ExampleCorp-Auditors", "Read-only reviewers of the AWS account."),
        Group("Admins", "ExampleCorp-Admins", "Administer the AWS account."),
    )
}

PEOPLE: dict[str, Person] = {
    p.username: p
    for p in (
        Person("alice", "Alice Rivera", "alice@example.com", "Lead developer", ("Developers",)),
        Person("bob", "Bob Chen", "bob@example.com", "Developer", ("Developers",)),
        Person("carol", "Carol Okafor", "carol@example.com", "Internal auditor", ("Auditors",)),
        Person(
            "dan", "Dan Kowalski", "dan@example.com", "Platform engineer", ("Admins", "Developers")
        ),
        Person("erin", "Erin Walsh", "erin@example.com", "Intern", ()),
    )
}
