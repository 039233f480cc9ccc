-- How many times the rollout was saved; a save names the generation it read and fails when it moved on.
-- IF NOT EXISTS: an older release added it outside the migrator.
ALTER TABLE baton_rollouts ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 1;
