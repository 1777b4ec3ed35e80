-- The coaching loop (goals, check-ins, study buddies, streaks, the weekly digest). Times are
-- UTC text in the one sortable format (utc_iso); days are YYYY-MM-DD in the member's zone.

-- A target date for a milestone; reminders 3 days before and on the day when remind = 1.
CREATE TABLE IF NOT EXISTS goals (
    guild_id      BIGINT   NOT NULL,
    member_id     BIGINT   NOT NULL,
    milestone_id  TEXT     NOT NULL,
    due_on        TEXT     NOT NULL,
    remind        SMALLINT NOT NULL CHECK (remind IN (0, 1)),
    reminded_on   TEXT,
    set_at        TEXT     NOT NULL,
    PRIMARY KEY (guild_id, member_id, milestone_id)
);
CREATE INDEX IF NOT EXISTS goals_by_member ON goals (member_id);

-- Opt-in check-ins by DM. next_due_at NULL: off. A process claims a due check-in by moving
-- next_due_at from the value it read to the next slot (compare-and-set), so two processes
-- never send the same one. off_reason 'dm_closed' + notice_pending: tell the member why.
CREATE TABLE IF NOT EXISTS checkins (
    guild_id        BIGINT   NOT NULL,
    member_id       BIGINT   NOT NULL,
    cadence         TEXT     NOT NULL CHECK (cadence IN ('weekly', 'fortnightly')),
    weekday         SMALLINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    hour            SMALLINT NOT NULL CHECK (hour BETWEEN 0 AND 23),
    zone            TEXT     NOT NULL,
    next_due_at     TEXT,
    last_sent_at    TEXT,
    off_reason      TEXT,
    notice_pending  SMALLINT NOT NULL DEFAULT 0,
    updated_at      TEXT     NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);
CREATE INDEX IF NOT EXISTS checkins_due ON checkins (next_due_at);
CREATE INDEX IF NOT EXISTS checkins_by_member ON checkins (member_id);

-- The last day (UTC) the bot sent a member a coaching DM (at most one a day, across servers),
-- and whether the member's DMs were found closed (never paired as a buddy then).
CREATE TABLE IF NOT EXISTS coaching_dms (
    member_id   BIGINT   NOT NULL PRIMARY KEY,
    last_dm_on  TEXT,
    dm_closed   SMALLINT NOT NULL DEFAULT 0
);

-- Days a member answered a check-in (completions count too): what streaks are made of.
CREATE TABLE IF NOT EXISTS coaching_activity (
    guild_id   BIGINT NOT NULL,
    member_id  BIGINT NOT NULL,
    day        TEXT   NOT NULL,
    PRIMARY KEY (guild_id, member_id, day)
);

-- Members waiting for a study buddy, and pairs made.
CREATE TABLE IF NOT EXISTS buddy_requests (
    guild_id      BIGINT NOT NULL,
    member_id     BIGINT NOT NULL,
    milestone_id  TEXT,
    requested_at  TEXT   NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);

CREATE TABLE IF NOT EXISTS buddy_pairs (
    guild_id   BIGINT NOT NULL,
    member_a   BIGINT NOT NULL,
    member_b   BIGINT NOT NULL,
    paired_at  TEXT   NOT NULL,
    thread_id  BIGINT,
    ended_at   TEXT,
    PRIMARY KEY (guild_id, member_a, member_b)
);
CREATE INDEX IF NOT EXISTS buddy_pairs_by_b ON buddy_pairs (guild_id, member_b);

-- Per-server coaching settings: channels for buddy threads and "I'm stuck" questions, and the
-- weekly digest (claimed like check-ins, by moving digest_next_at).
CREATE TABLE IF NOT EXISTS guild_coaching (
    guild_id          BIGINT   NOT NULL PRIMARY KEY,
    buddy_channel_id  BIGINT,
    help_channel_id   BIGINT,
    digest_channel_id BIGINT,
    digest_weekday    SMALLINT,
    digest_hour       SMALLINT,
    digest_next_at    TEXT,
    updated_at        TEXT     NOT NULL
);
CREATE INDEX IF NOT EXISTS guild_coaching_digest_due ON guild_coaching (digest_next_at);
