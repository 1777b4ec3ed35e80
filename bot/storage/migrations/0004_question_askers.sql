-- Privacy: each logged question keeps a keyed hash of who asked (HMAC-SHA256 of the member id
-- under a random key kept in bot_state, see bot/storage/askers.py), so "/privacy delete"
-- can remove a member's questions while moderators still never see who asked. NULL: asked
-- before this migration (those rows age out with GAP_RETENTION_DAYS).

ALTER TABLE question_log ADD COLUMN asker TEXT;
CREATE INDEX IF NOT EXISTS question_log_by_asker ON question_log (asker);
