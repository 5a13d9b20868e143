"""The lab templates shipped with the product (classroom/labs/*.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import classroom
from classroom import cfn

LABS_DIR = Path(classroom.__file__).resolve().parent / "labs"


@dataclass(frozen=True)
class ShippedLab:
    key: str  # the file's name without .yaml
    title: str
    description: str
    body: str
    parameters: tuple[cfn.Parameter, ...]


def _title(key: str) -> str:
    return key.replace("-", " ").capitalize().replace("Iam", "IAM")


def shipped_labs() -> list[ShippedLab]:
    found = []
    for path in sorted(LABS_DIR.glob("*.yaml")):
        body = path.read_text()
        template = cfn.parse(body)
        found.append(
            ShippedLab(
                key=path.stem,
                title=_title(path.stem),
                description=template.description,
                body=body,
                parameters=tuple(template.parameters.values()),
            )
        )
    return found


def shipped_lab(key: str) -> ShippedLab | None:
    return next((lab for lab in shipped_labs() if lab.key == key), None)
