"""The demo account's instance: a running Amazon Linux 2023 instance with the EC2-S3-Access
role's instance profile (domain.iam.demo_roles), so Connect works at once."""

from __future__ import annotations

from accounts.models import Account, InstanceProfile, Principal
from domain.ec2 import instances
from domain.iam.demo_roles import EC2_ROLE
from domain.kernel.actors import system_actor
from ec2 import catalog
from ec2.models import Instance

DEMO_INSTANCE_NAME = "demo-web"


def load(account: Account) -> None:
    """Launches the demo instance once (idempotent)."""
    if Instance.objects.filter(account=account).exists():
        return
    root = Principal.objects.get(account=account, kind=Principal.Kind.ROOT)
    has_role = InstanceProfile.objects.filter(account=account, name=EC2_ROLE).exists()
    instances.run_instances(
        actor=system_actor(root),
        image_id=catalog.IMAGES[0].image_id,
        instance_type=catalog.DEFAULT_INSTANCE_TYPE,
        tags=[("Name", DEMO_INSTANCE_NAME), ("Env", "dev")],
        instance_profile_name=EC2_ROLE if has_role else None,
        region=catalog.DEFAULT_REGION,
    )
