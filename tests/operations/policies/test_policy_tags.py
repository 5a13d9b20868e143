from __future__ import annotations

import json

import pytest

from accounts.models import AuditEvent, Principal
from domain.iam import policies as services
from domain.kernel.actors import Actor
from domain.kernel.errors import AccessDenied, InvalidInput, LimitExceeded
from policies.models import ManagedPolicy

DOCUMENT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)


@pytest.fixture
def reports(root_actor: Actor) -> ManagedPolicy:
    return services.create_policy(actor=root_actor, name="Reports", document=DOCUMENT)


def stored_tags(policy: ManagedPolicy) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = ManagedPolicy.objects.get(pk=policy.pk).tags
    return tags


def test_policy_tag_keys_are_case_sensitive(root_actor: Actor, reports: ManagedPolicy) -> None:
    services.tag_policy(actor=root_actor, policy=reports, tags=[("Team", "blue")])
    services.tag_policy(actor=root_actor, policy=reports, tags=[("team", "red")])
    services.tag_policy(actor=root_actor, policy=reports, tags=[("Team", "green")])
    assert stored_tags(reports) == [
        {"Key": "team", "Value": "red"},
        {"Key": "Team", "Value": "green"},
    ]
    services.untag_policy(actor=root_actor, policy=reports, keys=["TEAM", "team"])
    assert stored_tags(reports) == [{"Key": "Team", "Value": "green"}]


def test_a_policy_holds_at_most_fifty_tags(root_actor: Actor, reports: ManagedPolicy) -> None:
    services.tag_policy(actor=root_actor, policy=reports, tags=[(f"k{n}", "") for n in range(50)])
    with pytest.raises(LimitExceeded, match="up to 50 tags"):
        services.tag_policy(actor=root_actor, policy=reports, tags=[("one-more", "")])
    assert len(stored_tags(reports)) == 50


def test_the_reserved_aws_prefix_is_refused(root_actor: Actor, reports: ManagedPolicy) -> None:
    with pytest.raises(InvalidInput, match="reserved prefix aws:"):
        services.tag_policy(actor=root_actor, policy=reports, tags=[("aws:owner", "x")])
    assert stored_tags(reports) == []


def test_aws_managed_policies_cannot_be_tagged(root_actor: Actor) -> None:
    aws = ManagedPolicy.objects.get(name="IAMReadOnlyAccess", account=None)
    with pytest.raises(InvalidInput, match="AWS managed policies cannot be tagged."):
        services.tag_policy(actor=root_actor, policy=aws, tags=[("Team", "blue")])
    assert ManagedPolicy.objects.get(pk=aws.pk).tags == []


def test_tagging_is_decided_on_the_request_tags(
    root_actor: Actor, alice: Principal, reports: ManagedPolicy
) -> None:
    only_blue = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:TagPolicy",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag/Team": "blue"}},
            }
        ],
    }
    services.put_user_policy(
        actor=root_actor, user=alice, name="OnlyBlue", document=json.dumps(only_blue)
    )
    services.tag_policy(actor=Actor(principal=alice), policy=reports, tags=[("Team", "blue")])
    with pytest.raises(AccessDenied, match="iam:TagPolicy"):
        services.tag_policy(actor=Actor(principal=alice), policy=reports, tags=[("Team", "red")])
    assert stored_tags(reports) == [{"Key": "Team", "Value": "blue"}]
    assert AuditEvent.objects.filter(
        action="iam:TagPolicy", outcome=AuditEvent.Outcome.DENIED
    ).exists()


def test_creating_with_tags_needs_tag_policy_too(root_actor: Actor, alice: Principal) -> None:
    create_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:CreatePolicy", "Resource": "*"}],
    }
    services.put_user_policy(
        actor=root_actor, user=alice, name="CreateOnly", document=json.dumps(create_only)
    )
    with pytest.raises(AccessDenied, match="iam:TagPolicy"):
        services.create_policy(
            actor=Actor(principal=alice), name="Tagged", document=DOCUMENT, tags=[("Team", "b")]
        )
    assert not ManagedPolicy.objects.filter(name="Tagged").exists()
    untagged = services.create_policy(actor=Actor(principal=alice), name="Plain", document=DOCUMENT)
    assert untagged.tags == []


def test_creating_with_tags_stores_them_in_order(root_actor: Actor) -> None:
    policy = services.create_policy(
        actor=root_actor,
        name="Tagged",
        document=DOCUMENT,
        tags=[("Team", "blue"), ("team", "red")],
    )
    assert stored_tags(policy) == [
        {"Key": "Team", "Value": "blue"},
        {"Key": "team", "Value": "red"},
    ]
