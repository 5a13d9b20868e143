"""Regenerate ``aws_managed_policies.json``, the AWS managed policies the console offers.

    .venv/bin/python policies/data/generate.py [--descriptions-wheel PATH] [--no-descriptions]

Sources, both maintained public copies on PyPI:

- Policy documents, paths, versions and dates: ``moto`` (a test dependency), which ships a
  snapshot of every AWS managed policy as ``moto.iam.aws_managed_policies``.
- Descriptions (moto has none): the ``iam-floyd`` wheel, whose generated
  ``iam_floyd/_aws_managed_policies.py`` lists every AWS managed policy as
  ``NAME = 'path/PolicyName'`` followed by AWS's description as a docstring. The wheel is
  fetched with ``pip download --no-deps`` into a temporary folder and read as a zip file
  (parsed with ``ast``, never imported or installed); pass ``--descriptions-wheel`` to use a
  wheel already on disk. Descriptions are merged by policy name.

The output is text JSON, one policy per line with sorted keys, so regenerating shows
a readable diff.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import subprocess
import sys
import tempfile
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "aws_managed_policies.json"
ARN_PREFIX = "arn:aws:iam::aws:policy"
FLOYD_MODULE = "iam_floyd/_aws_managed_policies.py"

# AWS's "AWS managed policies for job functions" (IAM User Guide). The console labels these
# "AWS managed - job function"; most live under /job-function/, but three keep the root path.
JOB_FUNCTION_POLICIES = frozenset(
    {
        "AdministratorAccess",
        "Billing",
        "DatabaseAdministrator",
        "DataScientist",
        "NetworkAdministrator",
        "PowerUserAccess",
        "SecurityAudit",
        "SupportUser",
        "SystemAdministrator",
        "ViewOnlyAccess",
    }
)


def load_moto() -> tuple[dict[str, dict[str, Any]], str]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    policies: dict[str, dict[str, Any]] = json.loads(aws_managed_policies_data)
    return policies, f"moto {version('moto')}"


def download_floyd_wheel(dest: Path) -> Path:
    subprocess.run(  # noqa: S603 - fixed arguments, PyPI through pip
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(dest),
            "iam-floyd",
        ],
        check=True,
    )
    wheels = sorted(dest.glob("iam_floyd-*.whl"))
    if not wheels:
        raise SystemExit("pip downloaded no iam-floyd wheel")
    return wheels[-1]


def read_floyd_descriptions(wheel: Path) -> tuple[dict[str, str], str]:
    """Policy name -> description, from the wheel's generated module (parsed, not imported)."""
    with zipfile.ZipFile(wheel) as zf:
        source = zf.read(FLOYD_MODULE).decode("utf-8")
    descriptions: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for assign, doc in zip(body, body[1:], strict=False):
            if (
                isinstance(assign, ast.Assign)
                and isinstance(assign.value, ast.Constant)
                and isinstance(assign.value.value, str)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            ):
                name = assign.value.value.rsplit("/", 1)[-1]
                descriptions[name] = " ".join(doc.value.value.split())
    # "iam_floyd-0.851.0-py3-none-any.whl" -> "iam-floyd 0.851.0"
    release = wheel.name.split("-")[1]
    return descriptions, f"iam-floyd {release}"


def build(
    moto_policies: dict[str, dict[str, Any]], descriptions: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for name, raw in sorted(moto_policies.items()):
        path = raw.get("Path") or "/"
        rows.append(
            {
                "name": name,
                "arn": f"{ARN_PREFIX}{path}{name}",
                "path": path,
                "description": descriptions.get(name, ""),
                "default_version_id": raw.get("DefaultVersionId", "v1"),
                "create_date": raw.get("CreateDate", ""),
                "update_date": raw.get("UpdateDate", ""),
                "document": raw["Document"],
                "job_function": path == "/job-function/" or name in JOB_FUNCTION_POLICIES,
                "service_role": path.startswith(("/service-role/", "/aws-service-role/")),
            }
        )
    return rows


def render(header: dict[str, Any], policies: list[dict[str, Any]]) -> str:
    """Stable text: the header keys first, then one compact, key-sorted policy per line."""
    lines = ["{"]
    lines += [f"{json.dumps(key)}: {json.dumps(value)}," for key, value in header.items()]
    lines.append('"policies": [')
    body = [json.dumps(p, sort_keys=True, separators=(",", ":")) for p in policies]
    lines.append(",\n".join(body))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--descriptions-wheel", type=Path, help="an iam-floyd wheel on disk")
    parser.add_argument("--no-descriptions", action="store_true", help="leave descriptions empty")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    moto_policies, source = load_moto()
    descriptions: dict[str, str] = {}
    descriptions_source = ""
    if not args.no_descriptions:
        if args.descriptions_wheel:
            descriptions, descriptions_source = read_floyd_descriptions(args.descriptions_wheel)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                wheel = download_floyd_wheel(Path(tmp))
                descriptions, descriptions_source = read_floyd_descriptions(wheel)

    policies = build(moto_policies, descriptions)
    newest = max((p["update_date"] for p in policies if p["update_date"]), default="")
    header = {
        "source": source,
        "descriptions_source": descriptions_source,
        "snapshot_date": newest[:10],
        "generated": dt.datetime.now(dt.UTC).date().isoformat(),
        "count": len(policies),
    }
    text = render(header, policies)
    json.loads(text)  # the file must stay plain valid JSON
    args.output.write_text(text, encoding="utf-8")
    described = sum(1 for p in policies if p["description"])
    print(
        f"wrote {args.output.name}: {len(policies)} policies from {source}, "
        f"{described} with descriptions ({descriptions_source or 'none'}), "
        f"snapshot {header['snapshot_date']}, {len(text.encode()) / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
