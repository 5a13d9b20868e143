"""The practice catalogue: regions and their Availability Zones, images (AMIs) and instance
types, as data. Pure Python: the domain reads it, nothing writes it."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_REGION = "us-east-1"

# Region -> its display name (as the console's region menu names it).
REGIONS: dict[str, str] = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-central-1": "Europe (Frankfurt)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
}

_ZONE_LETTERS = {"us-west-1": "ac", "ap-northeast-1": "acd"}


def zones(region: str) -> list[str]:
    return [region + letter for letter in _ZONE_LETTERS.get(region, "abc")]


def zone_id(zone: str) -> str:
    """The zone's ID (use1-az1 ...), stable per region and letter."""
    region, letter = zone[:-1], zone[-1]
    parts = region.split("-")
    short = parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1]
    return f"{short}-az{ord(letter) - ord('a') + 1}"


@dataclass(frozen=True, slots=True)
class Image:
    image_id: str
    name: str
    description: str
    platform: str  # "" for Linux/UNIX, "windows"
    owner_alias: str
    owner_id: str
    creation_date: str
    root_device_name: str = "/dev/xvda"
    architecture: str = "x86_64"

    @property
    def platform_details(self) -> str:
        return "Windows" if self.platform == "windows" else "Linux/UNIX"


IMAGES: tuple[Image, ...] = (
    Image(
        "ami-0c02fb55956c7d316",
        "al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64",
        "Amazon Linux 2023 AMI 2023.6.20241121.0 x86_64 HVM kernel-6.1",
        "",
        "amazon",
        "137112412989",
        "2024-11-21T19:20:06.000Z",
    ),
    Image(
        "ami-0e2c8caa4b6378d8c",
        "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241109",
        "Canonical, Ubuntu, 24.04, amd64 noble image",
        "",
        "",
        "099720109477",
        "2024-11-09T04:08:41.000Z",
        "/dev/sda1",
    ),
    Image(
        "ami-05b1a50d6798f63cb",
        "Windows_Server-2022-English-Full-Base-2024.11.13",
        "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
        "windows",
        "amazon",
        "801119661308",
        "2024-11-13T21:14:07.000Z",
        "/dev/sda1",
    ),
)

IMAGES_BY_ID = {image.image_id: image for image in IMAGES}

# The console's names for the catalogue's images (the Launch page's quick start).
IMAGE_TITLES = {
    "ami-0c02fb55956c7d316": "Amazon Linux 2023 AMI",
    "ami-0e2c8caa4b6378d8c": "Ubuntu Server 24.04 LTS",
    "ami-05b1a50d6798f63cb": "Microsoft Windows Server 2022 Base",
}


@dataclass(frozen=True, slots=True)
class InstanceType:
    name: str
    vcpus: int
    memory_mib: int
    free_tier: bool = False


INSTANCE_TYPES: tuple[InstanceType, ...] = (
    InstanceType("t2.nano", 1, 512),
    InstanceType("t2.micro", 1, 1024, free_tier=True),
    InstanceType("t2.small", 1, 2048),
    InstanceType("t2.medium", 2, 4096),
    InstanceType("t3.nano", 2, 512),
    InstanceType("t3.micro", 2, 1024, free_tier=True),
    InstanceType("t3.small", 2, 2048),
    InstanceType("t3.medium", 2, 4096),
    InstanceType("t3.large", 2, 8192),
    InstanceType("m5.large", 2, 8192),
    InstanceType("m5.xlarge", 4, 16384),
    InstanceType("c5.large", 2, 4096),
    InstanceType("r5.large", 2, 16384),
)

TYPES_BY_NAME = {t.name: t for t in INSTANCE_TYPES}
DEFAULT_INSTANCE_TYPE = "t2.micro"

# AWS's public Systems Manager parameters that name the latest image of each family (what
# templates write as `{{resolve:ssm:...}}` instead of a region's AMI ID), by parameter name.
IMAGE_PARAMETERS: dict[str, str] = {
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64": (
        "ami-0c02fb55956c7d316"
    ),
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64": "ami-0c02fb55956c7d316",
    "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id": (
        "ami-0e2c8caa4b6378d8c"
    ),
    "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base": (
        "ami-05b1a50d6798f63cb"
    ),
}
