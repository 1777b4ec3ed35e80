-- Progress tracking: which track each member follows and which milestones they completed,
-- per guild. Ids from Discord are 64-bit (BIGINT); timestamps are UTC ISO-8601 text in
-- one fixed, sortable format: 2025-11-03T14:05:09.123456Z.

CREATE TABLE IF NOT EXISTS members (
    guild_id    BIGINT NOT NULL,
    member_id   BIGINT NOT NULL,
    -- NULL: the member never chose, so they follow the knowledge's default (first) track.
    track_id    TEXT,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);

CREATE TABLE IF NOT EXISTS completions (
    guild_id      BIGINT NOT NULL,
    member_id     BIGINT NOT NULL,
    -- The id at completion time; ids that later disappear from knowledge/ stay (retired).
    milestone_id  TEXT   NOT NULL,
    completed_at  TEXT   NOT NULL,
    note          TEXT   CHECK (note IS NULL OR length(note) <= 300),
    -- Who recorded it: the member themself or a moderator; NULL once that moderator's
    -- own data was deleted.
    recorded_by   BIGINT,
    PRIMARY KEY (guild_id, member_id, milestone_id),
    FOREIGN KEY (guild_id, member_id) REFERENCES members (guild_id, member_id) ON DELETE CASCADE
);

-- Guild statistics: members per milestone, completions per week.
CREATE INDEX IF NOT EXISTS completions_by_milestone ON completions (guild_id, milestone_id);
CREATE INDEX IF NOT EXISTS completions_by_time ON completions (guild_id, completed_at);
-- Privacy: find what a moderator recorded for others when exporting or deleting their data.
CREATE INDEX IF NOT EXISTS completions_by_recorder ON completions (recorded_by);
-- Privacy: a member's data across all guilds.
CREATE INDEX IF NOT EXISTS members_by_member ON members (member_id);
