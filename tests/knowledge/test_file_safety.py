"""Only regular files inside the knowledge folder are read (issue 10, finding 4).

Each attack is a real file on disk: a link to a secret outside the folder, a link to
/dev/zero, a FIFO, a socket. The validator runs as a real ``python -m bot kb check``
subprocess where a hang or a memory blow-up is the failure, with a timeout and a memory
limit so a regression fails the test instead of taking the machine down.
"""

from __future__ import annotations

import os
import resource
import socket
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge
from tests.knowledge.kbfactory import make_kb

TODAY = date(2026, 11, 26)
REPO = Path(__file__).resolve().parents[2]
TOKEN = "MTIzNDU2Nzg5.leaked.secret-token-value"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "knowledge")


def lines(root: Path) -> list[str]:
    return [str(p) for p in load_knowledge(root, today=TODAY).problems]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def kb_check(root: Path) -> subprocess.CompletedProcess[str]:
    """``python -m bot kb check`` with 1 GB of memory and 30 s: a hang or a blow-up fails."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", str(root)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=30,
        preexec_fn=_limit_memory,
    )


def test_link_to_a_secret_outside_the_folder_is_not_read(kb: Path, tmp_path: Path) -> None:
    secret = tmp_path / ".env"
    secret.write_text(f"DISCORD_TOKEN={TOKEN}\n")
    os.symlink(secret, kb / "entries/role/notes.yaml")
    assert lines(kb) == [
        "entries/role/notes.yaml:0: error: is a symbolic link to a file outside the knowledge "
        "folder; not read"
    ]


def test_special_file_linked_outside_is_not_read(kb: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secrets.yaml"
    secret.write_text(f"areas: {TOKEN}\n")
    (kb / "areas.yaml").unlink()
    os.symlink(secret, kb / "areas.yaml")
    problems = lines(kb)
    assert "areas.yaml:0: error: is a symbolic link to a file outside the knowledge folder; not read" in (
        problems
    )
    assert not any(TOKEN in line for line in problems)


def test_link_that_stays_inside_the_folder_is_read(kb: Path) -> None:
    shared = kb / ".shared"
    shared.mkdir()
    (kb / "areas.yaml").rename(shared / "areas.yaml")
    os.symlink(".shared/areas.yaml", kb / "areas.yaml")
    assert lines(kb) == []


def test_knowledge_folder_reached_through_a_link_is_read(kb: Path, tmp_path: Path) -> None:
    """Deployments often point KNOWLEDGE_DIR at a linked folder: its files are inside it."""
    os.symlink(kb, tmp_path / "current")
    assert lines(tmp_path / "current") == []


def test_link_to_dev_zero_is_refused_without_reading_it(kb: Path) -> None:
    os.symlink("/dev/zero", kb / "entries/role/zero.yaml")
    proc = kb_check(kb)
    assert proc.returncode == 1, proc.stderr
    assert (
        "entries/role/zero.yaml:0: error: is a symbolic link to a file outside the knowledge folder; not read"
    ) in proc.stdout.splitlines()


def test_chain_of_links_ending_outside_is_refused(kb: Path) -> None:
    """Links are resolved to the end: passing through the folder on the way is not enough."""
    os.symlink("/dev/zero", kb / ".zero")
    os.symlink("../../.zero", kb / "entries/role/zero.yaml")
    os.symlink("/dev", kb / ".dev")
    os.symlink("../../.dev/zero", kb / "entries/role/dev.yaml")
    out = kb_check(kb).stdout.splitlines()
    for name in ("dev", "zero"):
        assert (
            f"entries/role/{name}.yaml:0: error: is a symbolic link to a file outside the knowledge "
            "folder; not read"
        ) in out


def test_device_node_inside_the_folder_is_refused(kb: Path) -> None:
    try:
        os.mknod(kb / "entries/role/zero.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    proc = kb_check(kb)
    assert proc.returncode == 1, proc.stderr
    assert (
        "entries/role/zero.yaml:0: error: is a character device, not a regular file; not read"
    ) in proc.stdout.splitlines()


def test_fifo_does_not_hang_kb_check(kb: Path) -> None:
    os.mkfifo(kb / "entries/role/pipe.yaml")
    (kb / "synonyms.yaml").unlink()
    os.mkfifo(kb / "synonyms.yaml")
    proc = kb_check(kb)
    assert proc.returncode == 1
    out = proc.stdout.splitlines()
    assert "entries/role/pipe.yaml:0: error: is a FIFO (named pipe), not a regular file; not read" in out
    assert "synonyms.yaml:0: error: is a FIFO (named pipe), not a regular file; not read" in out


def test_socket_is_refused(kb: Path) -> None:
    cwd = os.getcwd()
    os.chdir(kb / "entries/role")  # a socket path must be short; bind relative to here
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind("sock.yaml")
            assert "entries/role/sock.yaml:0: error: is a socket, not a regular file; not read" in lines(kb)
    finally:
        os.chdir(cwd)


def test_problem_lines_quote_only_a_short_fragment(kb: Path) -> None:
    long = "x" * 5000
    path = kb / "entries/role/role-overview.yaml"
    text = path.read_text().replace("https://", f"http://{long}", 1)
    path.write_text(text.replace("title:", f"{'k' * 1000}: 1\ntitle:", 1))
    synonyms = kb / "synonyms.yaml"
    synonyms.write_text(synonyms.read_text() + f"  - [[{', '.join(['term'] * 2000)}], pmi]\n")
    found = load_knowledge(kb, today=TODAY).problems
    problems = [str(p) for p in found]
    assert len(problems) == 3, problems
    assert all(len(p.message) <= 200 and "x" * 41 not in p.message for p in found), problems
    assert "unknown key 'kkkk" in problems[0]
    assert "link url must be an https:// address, found 'http://xxxx" in problems[1]
    assert "synonym terms must be text, found a list" in problems[2]
