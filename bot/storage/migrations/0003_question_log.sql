-- What members ask, for moderators (no member id is ever stored here): a count per guild
-- per UTC day, and the text of questions the coach could not answer (kept for a limited
-- time, see GAP_RETENTION_DAYS), so moderators can see what to write next.

CREATE TABLE IF NOT EXISTS question_counts (
    guild_id   BIGINT NOT NULL,
    day        TEXT   NOT NULL,
    questions  BIGINT NOT NULL CHECK (questions >= 0),
    PRIMARY KEY (guild_id, day)
);

CREATE TABLE IF NOT EXISTS question_log (
    guild_id       BIGINT           NOT NULL,
    question       TEXT             NOT NULL CHECK (length(question) <= 1000),
    -- The answer engine's outcome ('suggest', 'unknown', ...) and its best guess, if any.
    outcome        TEXT             NOT NULL,
    best_entry_id  TEXT,
    confidence     DOUBLE PRECISION NOT NULL,
    asked_at       TEXT             NOT NULL
);
CREATE INDEX IF NOT EXISTS question_log_by_guild ON question_log (guild_id, asked_at);
CREATE INDEX IF NOT EXISTS question_log_by_age ON question_log (asked_at);
