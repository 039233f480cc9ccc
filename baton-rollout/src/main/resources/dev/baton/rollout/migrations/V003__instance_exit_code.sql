-- Set when an instance exited on its own (FAILED); such rows are kept as the record of the crash.
-- IF NOT EXISTS: an older release added it outside the migrator.
ALTER TABLE baton_instances ADD COLUMN IF NOT EXISTS exit_code integer;
