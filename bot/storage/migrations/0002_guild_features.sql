-- What the Discord layer remembers per guild: settings, milestone role rewards, mention
-- opt-ins, feedback votes on entries, entry open counters, and the bot's own state.

CREATE TABLE IF NOT EXISTS guild_settings (
    guild_id             BIGINT NOT NULL PRIMARY KEY,
    announce_channel_id  BIGINT,
    log_channel_id       BIGINT,
    -- 'stack': members keep every milestone role; 'replace': only the latest one.
    reward_mode          TEXT   NOT NULL DEFAULT 'stack' CHECK (reward_mode IN ('stack', 'replace')),
    updated_at           TEXT   NOT NULL
);

CREATE TABLE IF NOT EXISTS milestone_roles (
    guild_id      BIGINT NOT NULL,
    milestone_id  TEXT   NOT NULL,
    role_id       BIGINT NOT NULL,
    PRIMARY KEY (guild_id, milestone_id)
);

-- A row means the member agreed to be mentioned in announcements; no row means off.
CREATE TABLE IF NOT EXISTS mention_opt_ins (
    guild_id    BIGINT NOT NULL,
    member_id   BIGINT NOT NULL,
    opted_in_at TEXT   NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);
CREATE INDEX IF NOT EXISTS mention_opt_ins_by_member ON mention_opt_ins (member_id);

-- One vote per member per entry; voting again replaces it.
CREATE TABLE IF NOT EXISTS entry_votes (
    guild_id   BIGINT   NOT NULL,
    entry_id   TEXT     NOT NULL,
    member_id  BIGINT   NOT NULL,
    vote       SMALLINT NOT NULL CHECK (vote IN (-1, 1)),
    voted_at   TEXT     NOT NULL,
    PRIMARY KEY (guild_id, entry_id, member_id)
);
CREATE INDEX IF NOT EXISTS entry_votes_by_member ON entry_votes (member_id);

-- Anonymous counts: how often an entry was opened in a guild on a UTC day (YYYY-MM-DD).
CREATE TABLE IF NOT EXISTS entry_opens (
    guild_id  BIGINT NOT NULL,
    entry_id  TEXT   NOT NULL,
    day       TEXT   NOT NULL,
    opens     BIGINT NOT NULL CHECK (opens >= 0),
    PRIMARY KEY (guild_id, entry_id, day)
);
CREATE INDEX IF NOT EXISTS entry_opens_by_day ON entry_opens (guild_id, day);

-- Small named values the bot keeps between runs (e.g. the command-tree sync hash).
CREATE TABLE IF NOT EXISTS bot_state (
    key         TEXT NOT NULL PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
