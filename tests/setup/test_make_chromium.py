"""`make test` installs Debian's chromium when it is missing, as root and through sudo.

CI machines usually have chromium already, which once hid a broken install line. These
tests run the Makefile's real `chromium` target with chromium absent from PATH and with
`id`, `sudo` and `apt-get` replaced by recorders, so the shell line itself is exercised.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

APT_GET = """#!/bin/sh
echo "apt-get $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "$LOG"
case "$*" in
  *install*chromium*) printf '#!/bin/sh\\n' > "$BIN/chromium"; chmod +x "$BIN/chromium";;
esac
"""
SUDO = """#!/bin/sh
echo "sudo $1" >> "$LOG"
exec "$@"
"""


def _bin_without_chromium(tmp_path: Path, uid: int) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "env", "make", "cat", "chmod", "printf"):
        found = shutil.which(tool)
        assert found, f"{tool} is needed to run the Makefile"
        (bin_dir / tool).symlink_to(found)
    scripts = {"apt-get": APT_GET, "sudo": SUDO, "id": f"#!/bin/sh\necho {uid}\n"}
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return bin_dir


def _make_chromium(tmp_path: Path, uid: int) -> tuple[subprocess.CompletedProcess[str], str]:
    bin_dir = _bin_without_chromium(tmp_path, uid)
    log = tmp_path / "log"
    log.touch()
    env = {"PATH": str(bin_dir), "LOG": str(log), "BIN": str(bin_dir), "HOME": str(tmp_path)}
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), "chromium"],
        env=env,
        capture_output=True,
        text=True,
        executable=str(bin_dir / "make"),
        check=False,
    )
    return result, log.read_text()


@pytest.mark.skipif(os.name != "posix" or not shutil.which("make"), reason="needs make")
def test_root_installs_chromium_with_apt_get_directly(tmp_path: Path) -> None:
    result, log = _make_chromium(tmp_path, uid=0)

    assert result.returncode == 0, result.stderr
    assert "sudo" not in log
    assert "install -y -qq chromium DEBIAN_FRONTEND=noninteractive" in log
    assert "update -qq" in log


@pytest.mark.skipif(os.name != "posix" or not shutil.which("make"), reason="needs make")
def test_a_user_with_sudo_installs_chromium_through_sudo(tmp_path: Path) -> None:
    result, log = _make_chromium(tmp_path, uid=1000)

    assert result.returncode == 0, result.stderr
    assert log.count("sudo env") == 2
    assert "install -y -qq chromium DEBIAN_FRONTEND=noninteractive" in log
