"""Copy every stored row from one database to another (``python -m bot db copy``).

Either direction between SQLite and PostgreSQL: both speak ``SqlStorage``. The source is
read a page at a time in key order; the destination is written in one transaction, so a
failed copy leaves it as empty as it was. Stop the bot first: rows written meanwhile would
make the counts disagree, and then nothing is committed.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.storage.askers import ASKER_KEY_STATE
from bot.storage.errors import StorageError
from bot.storage.sql import TABLES, SqlStorage

PAGE_ROWS = 5_000


class DestinationNotEmpty(StorageError):
    """The destination already holds data; copying would mix two communities' rows."""


async def data_counts(storage: SqlStorage) -> dict[str, int]:
    """Rows per table, not counting the key every database makes for itself on first open."""
    counts = await storage.table_counts()
    if await storage.get_state(ASKER_KEY_STATE) is not None:
        counts["bot_state"] -= 1
    return counts


async def copy_database(
    source: SqlStorage,
    destination: SqlStorage,
    *,
    on_table: Callable[[str, int], None] = lambda table, rows: None,
    page_rows: int = PAGE_ROWS,
) -> dict[str, int]:
    """Copy all rows; returns rows per table, verified against the destination after commit."""
    held = {t: n for t, n in (await data_counts(destination)).items() if n}
    if held:
        raise DestinationNotEmpty(
            f"the destination {destination.where} already holds data "
            f"({', '.join(f'{t}: {n:,}' for t, n in held.items())}); copy only into an empty database"
        )
    expected = await source.table_counts()
    copied = dict.fromkeys(TABLES, 0)
    async with destination.bulk_writer() as bulk:
        await bulk.clear("bot_state")  # the destination's own asker key: the source's replaces it
        for table, (columns, key) in TABLES.items():
            positions = [columns.index(k) for k in key]
            after = None
            while rows := await source.read_table(table, after, page_rows):
                await bulk.insert(table, rows)
                copied[table] += len(rows)
                if not key:
                    break
                after = tuple(rows[-1][i] for i in positions)
            on_table(table, copied[table])
        if copied != expected:
            raise StorageError(
                f"the source changed while copying (expected {expected}, read {copied}); "
                "nothing was written: stop the bot and copy again"
            )
    found = await destination.table_counts()
    if found != copied:
        raise StorageError(f"verification failed: the destination holds {found}, but {copied} were copied")
    await destination.reload_asker_key()
    return copied
