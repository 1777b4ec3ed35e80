"""The on-disk cache of the built library: reused only for the same files and code, never trusted blindly."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from bot.library import IndexCache, Librarian
from bot.settings import DEFAULT_KNOWLEDGE_DIR

PMP_FEES = "how much does the pmp exam cost"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


def cache_file(data: Path) -> Path:
    return data / IndexCache.NAME


async def test_a_start_with_unchanged_knowledge_reads_the_cache(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    data = tmp_path / "data"
    built = (await Librarian.open(knowledge, cache_dir=data)).library
    assert cache_file(data).exists() and cache_file(data).stat().st_mode & 0o077 == 0
    assert "read from the cache" not in caplog.text
    cached = (await Librarian.open(knowledge, cache_dir=data)).library
    assert "read from the cache" in caplog.text
    assert cached.knowledge.version == built.knowledge.version
    assert cached.engine.answer(PMP_FEES).entry == built.engine.answer(PMP_FEES).entry


async def test_an_edited_file_is_not_served_from_a_stale_cache(knowledge: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    await Librarian.open(knowledge, cache_dir=data)
    entry = knowledge / "entries" / "certifications" / "pmp-fees.yaml"
    text = entry.read_text().replace("$575", "$999")
    stamp = entry.stat()
    entry.write_text(text)
    os.utime(entry, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # same time stamp: the content decides
    library = (await Librarian.open(knowledge, cache_dir=data)).library
    assert "$999" in library.knowledge.entries["pmp-fees"].answer


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a pickle"),
        lambda path: path.write_bytes(path.read_bytes()[:1000]),  # cut short (disk full while writing)
        lambda path: path.chmod(0o666),  # anyone could have replaced it
    ],
    ids=["garbage", "truncated", "world-writable"],
)
async def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(
    knowledge: Path, tmp_path: Path, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    await Librarian.open(knowledge, cache_dir=data)
    damage(cache_file(data))  # type: ignore[operator]
    caplog.set_level(logging.INFO)
    library = (await Librarian.open(knowledge, cache_dir=data)).library
    assert "$575" in library.engine.answer(PMP_FEES).entry.answer  # type: ignore[union-attr]
    assert "ignoring" in caplog.text and "read from the cache" not in caplog.text


async def test_an_unwritable_cache_folder_does_not_stop_the_start(knowledge: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_text("a file where the folder should be")
    library = (await Librarian.open(knowledge, cache_dir=data)).library
    assert library.engine.answer(PMP_FEES).entry is not None
