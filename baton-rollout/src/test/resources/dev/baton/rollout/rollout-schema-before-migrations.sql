-- What a release before the one migrator applied on every start of the control plane: kept as it was,
-- to build the database such a release left behind (RolloutSchemaTest).
-- (The queue's migrator reads only its own resource folder, so these tables keep their own DDL.)
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

-- How many times the rollout was saved; a save names the generation it read and fails when it moved on.
ALTER TABLE baton_rollouts ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 1;

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

-- Set when an instance exited on its own (FAILED); such rows are kept as the record of the crash.
ALTER TABLE baton_instances ADD COLUMN IF NOT EXISTS exit_code integer;
