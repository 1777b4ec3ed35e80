-- Work that must happen once across every bot process sharing this database (pruning the
-- question log now; scheduled check-ins and digests later). Before doing a run, a process
-- claims it: one row per job and slot (a time window like 2026-12-04T12, or a guild and a
-- week). The claim is a lease: if the holder dies before finishing, another process may
-- take the slot over once lease_until has passed; a finished run is never taken again.

CREATE TABLE IF NOT EXISTS job_runs (
    job          TEXT NOT NULL,
    slot         TEXT NOT NULL,
    holder       TEXT NOT NULL,
    claimed_at   TEXT NOT NULL,
    lease_until  TEXT NOT NULL,
    finished_at  TEXT,
    PRIMARY KEY (job, slot)
);
CREATE INDEX IF NOT EXISTS job_runs_by_age ON job_runs (claimed_at);
