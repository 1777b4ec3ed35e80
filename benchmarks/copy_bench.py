"""``db copy`` benchmark: SQLite -> PostgreSQL -> SQLite with --members x --milestones completions.

    python benchmarks/copy_bench.py --database-url postgresql://postgres@127.0.0.1:5432/DB [--write]

The PostgreSQL side is a schema of its own, dropped afterwards. Target (issue 13): 100,000
members x 10 milestones in under 60 s. ``--write`` puts the result under "## db copy" in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402

from benchmarks.progress_bench import DOC, bulk_load, machine, write_section  # noqa: E402
from bot.storage.copy import copy_database  # noqa: E402
from bot.storage.postgres import PostgresStorage  # noqa: E402
from bot.storage.sqlite import SqliteStorage  # noqa: E402

HEADING = "## db copy"


async def run(args: argparse.Namespace, folder: Path) -> dict[str, float]:
    source = await SqliteStorage.open(folder / "source.db")
    await bulk_load(source, args.members, args.milestones)
    schema = f"copy_bench_{os.getpid()}"
    admin = await asyncpg.connect(args.database_url)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in args.database_url else "?"
    postgres = await PostgresStorage.open(f"{args.database_url}{sep}search_path={schema}")
    back = await SqliteStorage.open(folder / "back.db")
    try:
        start = time.perf_counter()
        copied = await copy_database(source, postgres)
        to_postgres = time.perf_counter() - start
        start = time.perf_counter()
        await copy_database(postgres, back)
        to_sqlite = time.perf_counter() - start
    finally:
        for storage in (source, postgres, back):
            await storage.close()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()
    return {"rows": sum(copied.values()), "to_postgres": to_postgres, "to_sqlite": to_sqlite}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--milestones", type=int, default=10)
    parser.add_argument("--database-url", required=True, metavar="URL")
    parser.add_argument("--write", action="store_true", help=f"update '{HEADING}' in {DOC.relative_to(REPO)}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="copy-bench-") as folder:
        r = asyncio.run(run(args, Path(folder)))
    ok = max(r["to_postgres"], r["to_sqlite"]) < 60
    text = "\n".join(
        [
            HEADING,
            "",
            f"`python benchmarks/copy_bench.py --members {args.members} --milestones {args.milestones} "
            f"--database-url postgresql://...` on {datetime.now(UTC):%Y-%m-%d}; {machine()}.",
            "",
            "| `copy_database` (what `python -m bot db copy` runs), counts verified | rows | seconds |",
            "|---|---:|---:|",
            f"| SQLite -> PostgreSQL (COPY in one transaction) | {r['rows']:,.0f} | {r['to_postgres']:.1f} |",
            f"| PostgreSQL -> SQLite (batched INSERTs in one transaction) | {r['rows']:,.0f} | {r['to_sqlite']:.1f} |",
            "",
            f"Target: {args.members:,} members x {args.milestones} milestones in under 60 s: "
            f"{'met' if ok else 'NOT met'}.",
            "",
        ]
    )
    print(text)
    if args.write:
        write_section(text, HEADING)
        print(f"written to {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
