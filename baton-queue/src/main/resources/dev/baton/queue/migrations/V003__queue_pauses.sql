-- Queues an operator paused ('baton jobs pause QUEUE'): workers claim nothing from them until resumed.
-- A table of its own, so nothing that rewrites job routing (every deploy does) can undo a pause.
CREATE TABLE baton_queue_pauses (
    queue     text        PRIMARY KEY,
    paused_at timestamptz NOT NULL,
    reason    text
);
