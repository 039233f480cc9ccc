-- The rollout tables. IF NOT EXISTS: a database that an older release set up (it created these tables
-- itself, outside the migrator) already has them, and this migration only records them.
CREATE TABLE IF NOT EXISTS baton_rollouts (
    id             text PRIMARY KEY,
    revision       bigint NOT NULL UNIQUE,
    app            text NOT NULL,
    version        text NOT NULL,
    stable_version text,
    strategy       text NOT NULL,
    phase          text NOT NULL,
    step_index     integer NOT NULL DEFAULT 0,
    paused         boolean NOT NULL DEFAULT false,
    reason         text,
    state          jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS baton_rollouts_open ON baton_rollouts (revision) WHERE phase IN ('PROGRESSING', 'ROLLING_BACK');

CREATE TABLE IF NOT EXISTS baton_rollout_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rollout_id text NOT NULL,
    at         timestamptz NOT NULL,
    kind       text NOT NULL,
    step       text NOT NULL,
    detail     text NOT NULL
);

CREATE INDEX IF NOT EXISTS baton_rollout_events_by_rollout ON baton_rollout_events (rollout_id, id);

CREATE TABLE IF NOT EXISTS baton_instances (
    id         text PRIMARY KEY,
    rollout_id text NOT NULL,
    version    text NOT NULL,
    host       text NOT NULL,
    port       integer NOT NULL,
    pid        bigint NOT NULL,
    state      text NOT NULL,
    started_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
