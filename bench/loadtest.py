"""A classroom load test: `make loadtest` (STUDENTS=100 DURATION=90 DB=postgres|sqlite).

Starts the console as `make run` serves it (gunicorn with gunicorn.conf.py, DEBUG off) on a
throw-away database (a new PostgreSQL database, dropped afterwards, or an SQLite file in a
temporary directory with DB=sqlite), with Redis for the cache, sessions and throttles when
REDIS_URL is set (the PostgreSQL leg uses redis://127.0.0.1:6379/13 unless REDIS_URL=none),
then runs bench/locustfile.py headless: every student signs up, signs in and repeats a
lesson (dashboard, users list, the create-user wizard with a managed policy and the CSV, a
policy, the simulator, a group) with 1-3 s of thinking between steps.

Prints p50/p95/p99 and failures per step, and the server's CPU per request: the CPU time
of the gunicorn workers (from /proc) over the run divided by the requests served, which a
shared machine disturbs far less than latency. The machine's load average is printed
before and after, so a noisy neighbour shows.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=_env_int("STUDENTS", 100))
    parser.add_argument("--duration", type=int, default=_env_int("DURATION", 90))
    parser.add_argument(
        "--db", choices=["postgres", "sqlite"], default=os.environ.get("DB") or "postgres"
    )
    parser.add_argument("--port", type=int, default=_env_int("LOADTEST_PORT", 8900))
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=float(os.environ.get("SPAWN_RATE") or 0),
        help="students arriving per second (default: all of them within 10 s)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="server to create the throw-away database on",
    )
    return parser.parse_args()


class Database:
    """A database that exists only for this run."""

    def __init__(self, kind: str, server: str) -> None:
        self.kind = kind
        self.server = server.rstrip("/")
        self.tmp = tempfile.TemporaryDirectory(prefix="iam-loadtest-")
        self.name = f"loadtest_{os.getpid()}"
        if kind == "sqlite":
            self.url = f"sqlite:///{self.tmp.name}/loadtest.sqlite3"
        else:
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = f"{self.server}/{self.name}"

    def drop(self) -> None:
        if self.kind == "postgres":
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.tmp.cleanup()


def server_env(args: argparse.Namespace, db: Database) -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "DATABASE_URL": db.url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # A whole class signs up from one address here (as behind a school's NAT).
        "SIGNUP_LIMIT_PER_ADDRESS": "1000000",
        "LOG_LEVEL": "ERROR",
    }
    redis_url = os.environ.get("REDIS_URL", "")
    if args.db == "postgres" and not redis_url:
        redis_url = "redis://127.0.0.1:6379/13"
    env["REDIS_URL"] = "" if redis_url == "none" else redis_url
    return env


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not listen on {port} within {timeout} s")


def worker_ticks(master: int) -> dict[int, int]:
    """utime + stime of each gunicorn worker (the master's children), in clock ticks."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = {}
    for pid in map(int, children):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


def read_stats(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def report(stats: list[dict[str, str]], cpu_s: float, wall_s: float) -> None:
    print(f"{'step':<34}{'reqs':>6}{'fail':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    print("-" * 70)
    total = None
    for row in stats:
        if row["Name"] == "Aggregated":
            total = row
            continue
        print(
            f"{row['Name'][:33]:<34}{row['Request Count']:>6}{row['Failure Count']:>6}"
            f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
        )
    if total is None:
        return
    print("-" * 70)
    print(
        f"{'all requests':<34}{total['Request Count']:>6}{total['Failure Count']:>6}"
        f"{total['50%']:>8}{total['95%']:>8}{total['99%']:>8}"
    )
    requests = int(total["Request Count"]) or 1
    print(
        f"server CPU: {cpu_s:.1f} s over {wall_s:.0f} s for {requests} requests = "
        f"{cpu_s / requests * 1000:.1f} ms per request; {requests / wall_s:.1f} requests/s; "
        f"{cpu_s / wall_s * 100:.0f}% of one core"
    )


def main() -> int:
    args = parse()
    spawn_rate = args.spawn_rate or max(args.students / 10, 1)
    print(
        f"load test: {args.students} students, {args.duration} s, {args.db}; "
        f"load average before {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    db = Database(args.db, args.postgres)
    out = Path(db.tmp.name)
    server = None
    try:
        env = server_env(args, db)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        log = (out / "gunicorn.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "iamconsole.wsgi", "-b", f"127.0.0.1:{args.port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(args.port, server)
        time.sleep(2)  # every worker forked
        before = worker_ticks(server.pid)
        print(
            f"gunicorn: {len(before)} workers ({env.get('GUNICORN_CMD_ARGS', 'gunicorn.conf.py')})"
        )
        started = time.monotonic()
        locust = subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "bench/locustfile.py"),
                "--headless", "-u", str(args.students), "-r", str(spawn_rate),
                "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{args.port}",
                "--csv", str(out / "stats"), "--only-summary", "--loglevel", "ERROR",
                "--stop-timeout", "5",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(out / "locust.log").open("wb"),
            check=False,
        )  # fmt: skip
        wall = time.monotonic() - started
        after = worker_ticks(server.pid)
        cpu = sum(t - before.get(pid, 0) for pid, t in after.items()) / TICKS
        report(read_stats(out / "stats_stats.csv"), cpu, wall)
        failures = read_stats(out / "stats_failures.csv")
        for row in failures[:10]:
            print(f"failure: {row['Name']}: {row['Error'][:100]} x{row['Occurrences']}")
        errors = (out / "gunicorn.log").read_text(errors="replace").count("Traceback")
        print(f"server tracebacks: {errors}; load average after {os.getloadavg()[0]:.2f}")
        return 0 if locust.returncode == 0 and not errors else 1
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        db.drop()


if __name__ == "__main__":
    sys.exit(main())
