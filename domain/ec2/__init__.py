"""Practice EC2's operations: one function per EC2 action, as domain.iam is for IAM.

Instances (RunInstances, DescribeInstances, Start/Stop/Reboot/Terminate), their tags, their
IAM instance profile, the catalogue's readers, and the instance metadata service's
credentials (imds). Each action authorizes as EC2 does (instance ARNs, ec2:ResourceTag/*,
aws:RequestTag/*, ec2:InstanceType, ec2:Region; iam:PassRole for a profile's role) and
answers a denial with UnauthorizedOperation and an encoded authorization failure message.
"""

from domain.ec2 import catalog, iam_profiles, imds, instances, tags  # noqa: F401
from domain.kernel.registry import Entry, entries


def registry() -> dict[str, Entry]:
    """The EC2 actions and reads this package performs, by AWS name."""
    return {
        name: entry
        for name, entry in entries().items()
        if entry.function.__module__.startswith("domain.ec2.")
    }
