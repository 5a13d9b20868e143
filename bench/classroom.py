"""Benchmark creating a class of 30 student accounts from the introductory IAM lab template.

Run: .venv/bin/python bench/classroom.py [--students N] [--rounds N]

Setup: a throwaway SQLite database in a temporary directory (DATABASE_URL points there, or
PostgreSQL when BENCH_DATABASE_URL is set), migrated; an instructor account (sign-up). Each
round creates a class with the real password hasher (Argon2, as deployed): per student a member
account with its OrganizationAccountAccessRole, an administrator user with a one-time
password, and the lab stack (3 groups with their policies, 3 users with console passwords,
one EC2 instance).
The class is closed after each round. Prints the wall time per class and per student, and
what one Argon2 hash costs on this machine, and the process CPU time per class.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
TMP = tempfile.TemporaryDirectory(prefix="iam-bench-classroom-")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{TMP.name}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import Principal  # noqa: E402
from domain.classroom import classes, labs  # noqa: E402
from domain.iam import account as accounts  # noqa: E402
from domain.kernel.actors import system_actor  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    instructor = accounts.sign_up(
        email="instructor@bench.example", account_name="Bench school", password="Bench-Pass-123!"
    )
    actor = system_actor(Principal.objects.get(account=instructor, kind="root"))
    lab = labs.shipped_lab("introductory-iam-lab")
    assert lab is not None
    started = time.perf_counter()
    for _ in range(10):
        make_password("Some-Password-1!")
    hash_ms = (time.perf_counter() - started) / 10 * 1000
    times = []
    cpu = []
    for round_no in range(args.rounds):
        started = time.perf_counter()
        cpu_started = time.process_time()
        new = classes.create_class(
            actor=actor,
            name=f"bench-{round_no}",
            students=args.students,
            template_body=lab.body,
            template_name=lab.key,
        )
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        classes.close_class(actor=actor, lab_class=new.lab_class)
    median = statistics.median(times)
    print(f"Argon2 hash: {hash_ms:.0f} ms")
    print(
        f"class of {args.students} from {lab.key}: median {median:.2f} s over {args.rounds} "
        f"rounds (min {min(times):.2f} s, max {max(times):.2f} s), "
        f"{median / args.students * 1000:.0f} ms per student"
    )
    # On a shared machine the process's own CPU time is the steadier number (all threads,
    # the batch's Argon2 hashing included).
    print(f"process CPU per class: median {statistics.median(cpu):.2f} s")


if __name__ == "__main__":
    main()
