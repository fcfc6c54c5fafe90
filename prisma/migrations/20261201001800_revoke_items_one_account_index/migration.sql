-- One index where two were: a run's item of a connection was unique on (run_id,
-- connected_account_id) and a connection's items across runs had an index of their own on
-- (connected_account_id). Every lookup either made is an equality on the connection, with or
-- without the run (the orphan and sweep checks, a retry's source items, the intents' dedup), so
-- one unique index on (connected_account_id, run_id) serves them all and keeps the same rule.
-- A revocation writes each item twice (the snapshot inserts it; its outcome is a non-HOT update,
-- `outcome` being indexed), and each write added an entry to every index: one index fewer is one
-- entry (one WAL record) fewer per write.
CREATE UNIQUE INDEX "revoke_items_connected_account_id_run_id_key" ON "revoke_items"("connected_account_id", "run_id");
DROP INDEX "revoke_items_run_id_connected_account_id_key";
DROP INDEX "revoke_items_connected_account_id_idx";
