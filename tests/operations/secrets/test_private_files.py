"""The SQLite database (live sessions) and the generated keys are readable by their owner
only: created that way, and tightened when found readable by others."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from iamconsole import private_files

ROOT = Path(__file__).resolve().parents[3]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    # The usual 022: files others can read unless the code asks otherwise.
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path: Path, usual_umask: None) -> None:
    db = tmp_path / "db.sqlite3"
    private_files.protect_sqlite(db)
    connection = sqlite3.connect(db)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE django_session (session_key text, session_data text)")
        connection.execute("INSERT INTO django_session VALUES ('k', 'live session')")
        connection.commit()
        wal = tmp_path / "db.sqlite3-wal"
        assert wal.exists()
        assert mode(db) == 0o600
        assert mode(wal) & 0o077 == 0
        assert mode(tmp_path / "db.sqlite3-shm") & 0o077 == 0
    finally:
        connection.close()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    sqlite3.connect(db).close()
    (tmp_path / "db.sqlite3-wal").write_text("")
    for path in (db, tmp_path / "db.sqlite3-wal"):
        path.chmod(0o644)
    private_files.protect_sqlite(db)
    assert mode(db) == 0o600
    assert mode(tmp_path / "db.sqlite3-wal") == 0o600


def test_in_memory_databases_are_left_alone(tmp_path: Path) -> None:
    private_files.protect_sqlite(":memory:")
    private_files.protect_sqlite("file:memorydb_default?mode=memory&cache=shared")
    assert not Path(":memory:").exists()


def test_django_opening_the_configured_database_leaves_it_private(tmp_path: Path) -> None:
    """The whole path: settings read DATABASE_URL, Django connects and writes in WAL mode."""
    db = tmp_path / "console.sqlite3"
    script = (
        "import os, stat, django\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('CREATE TABLE t (x text)')\n"
        "    c.execute(\"INSERT INTO t VALUES ('session')\")\n"
        f"    for suffix in ('', '-wal'):\n"
        f"        print(oct(stat.S_IMODE(os.stat({str(db)!r} + suffix).st_mode)))\n"
    )
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "iamconsole.settings",
        "SECRET_KEY": "test-only-secret-key",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", f"import os; os.umask(0o022)\n{script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["0o600", "0o600"]


def test_a_generated_key_file_is_created_private(tmp_path: Path, usual_umask: None) -> None:
    path = tmp_path / ".secret_key"
    assert private_files.read_or_create(path, lambda: "generated") == "generated"
    assert mode(path) == 0o600
    assert private_files.read_or_create(path, lambda: "another") == "generated"


def test_an_existing_readable_key_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / ".secret_key"
    path.write_text("kept\n")
    path.chmod(0o644)
    assert private_files.read_or_create(path, lambda: "unused") == "kept"
    assert mode(path) == 0o600


def test_a_file_that_cannot_be_tightened_gives_a_warning_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.sqlite3"
    db.write_text("")
    db.chmod(0o644)

    def refuse(self: Path, mode: int) -> None:
        raise PermissionError("not the owner")

    monkeypatch.setattr(Path, "chmod", refuse)
    with pytest.warns(UserWarning, match="readable by others"):
        private_files.protect_sqlite(db)
