"""domain.ec2 with an actor: states moving by time, bad input as EC2's errors, scoping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from pytest_django import Settings

from accounts.models import Principal
from domain.ec2 import instances, tags
from domain.ec2.instances import Filter
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import DryRunOperation, Ec2Error
from tests.conftest import make_account

AL2023 = "ami-0c02fb55956c7d316"


def states_of(actor: Actor) -> dict[str, str]:
    page = instances.describe_instances(actor)
    return {i.instance_id: i.state for r in page.reservations for i in r.instances}


@pytest.mark.django_db
def test_states_move_on_by_time_when_read(root_actor: Actor, settings: Settings) -> None:
    settings.EC2_TRANSITION_SECONDS = 5
    made = instances.run_instances(actor=root_actor, image_id=AL2023).instances[0]
    assert states_of(root_actor) == {made.instance_id: "pending"}
    later = replace(root_actor, now=root_actor.now + timedelta(seconds=6))
    assert states_of(later) == {made.instance_id: "running"}
    with pytest.raises(Ec2Error) as early:
        instances.stop_instances(actor=root_actor, instance_ids=[made.instance_id])
    assert early.value.code == "IncorrectInstanceState"
    instances.terminate_instances(actor=later, instance_ids=[made.instance_id])
    gone = replace(root_actor, now=root_actor.now + timedelta(hours=2))
    assert states_of(gone) == {}


@pytest.mark.django_db
def test_bad_input_is_ec2_s_error_and_changes_nothing(root_actor: Actor) -> None:
    made = instances.run_instances(actor=root_actor, image_id=AL2023).instances[0]
    cases: list[tuple[Callable[[], object], str]] = [
        (
            lambda: instances.describe_instances(root_actor, filters=[Filter("bogus", ["x"])]),
            "InvalidParameterValue",
        ),
        (lambda: instances.describe_instances(root_actor, max_results=2), "InvalidParameterValue"),
        (lambda: instances.describe_instances(root_actor, next_token="%%%"), "InvalidNextToken"),
        (
            lambda: instances.describe_instances(root_actor, region="mars-1"),
            "InvalidParameterValue",
        ),
        (
            lambda: instances.run_instances(actor=root_actor, image_id="nope"),
            "InvalidAMIID.Malformed",
        ),
        (
            lambda: instances.run_instances(actor=root_actor, image_id=AL2023, min_count=0),
            "InvalidParameterValue",
        ),
        (
            lambda: instances.run_instances(
                actor=root_actor, image_id=AL2023, instance_profile_name="missing"
            ),
            "InvalidParameterValue",
        ),
        (
            lambda: tags.create_tags(actor=root_actor, resource_ids=["vol-1"], tags=[("a", "b")]),
            "InvalidID",
        ),
        (
            lambda: tags.create_tags(
                actor=root_actor, resource_ids=[made.instance_id], tags=[("k" * 129, "v")]
            ),
            "InvalidParameterValue",
        ),
        (lambda: instances.stop_instances(actor=root_actor, instance_ids=[]), "MissingParameter"),
    ]
    for call, code in cases:
        with pytest.raises(Ec2Error) as caught:
            call()
        assert caught.value.code == code
    with pytest.raises(DryRunOperation):
        tags.create_tags(
            actor=root_actor, resource_ids=[made.instance_id], tags=[("a", "b")], dry_run=True
        )
    assert len(states_of(root_actor)) == 1


@pytest.mark.django_db
def test_another_account_s_instance_is_not_found(root_actor: Actor) -> None:
    made = instances.run_instances(actor=root_actor, image_id=AL2023).instances[0]
    other = make_account("other@example.com", "Other")
    outsider = system_actor(Principal.objects.get(account=other, kind=Principal.Kind.ROOT))
    with pytest.raises(Ec2Error) as caught:
        instances.stop_instances(actor=outsider, instance_ids=[made.instance_id])
    assert caught.value.code == "InvalidInstanceID.NotFound"
    assert states_of(outsider) == {}
