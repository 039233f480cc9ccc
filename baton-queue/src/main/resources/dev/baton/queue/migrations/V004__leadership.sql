-- The control plane's leader lease: one row per election (name). The holder renews expires_at from the
-- database clock; a candidate takes the row only once expires_at has passed, and every take raises term,
-- the fencing token every write of the control plane checks (see LeaderLease and LeaderTerm).
CREATE TABLE baton_leadership (
    name       text        PRIMARY KEY,
    holder     text        NOT NULL,
    term       bigint      NOT NULL,
    expires_at timestamptz NOT NULL
);
