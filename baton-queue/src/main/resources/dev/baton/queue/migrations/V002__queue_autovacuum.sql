-- A queue table turns every row over: each job leaves dead tuples and dead entries at the front of
-- the claim index, and every claim walks past them until VACUUM removes them. PostgreSQL's default
-- (vacuum after 20% of the table is dead) lets that prefix grow to a fifth of the table, so vacuum
-- this table after a fixed, small number of dead rows instead.
ALTER TABLE baton_jobs SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 20000,
    autovacuum_analyze_scale_factor = 0.05
);
