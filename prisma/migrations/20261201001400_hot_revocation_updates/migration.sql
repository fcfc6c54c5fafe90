-- Cheaper writes per revoked connection.
--
-- A revocation writes each connection twice (claimed `revoking`, then `revoked` or put back), and
-- both writes set revoking_run_id. Its index made every one of them a non-HOT update: a new heap
-- tuple plus a new entry in each of the table's six indexes, about 7 WAL records per write. No
-- hot path reads that index: a run finds the connections it still holds through its own items
-- (release-store.ts, once per run), so it goes, and the columns a revocation writes (status,
-- revoking_run_id, status_before_revoking, revoked_at) are in no index any more.
DROP INDEX "connected_accounts_revoking_run_id_idx";

-- HOT updates need room on the row's own page: keep a tenth of each page free for them, on
-- connected_accounts and on revoke_items (the claim counts the item's send, an unindexed
-- column). Applies to rows written from now on; a VACUUM FULL or pg_repack rewrites old ones.
ALTER TABLE "connected_accounts" SET (fillfactor = 90);
ALTER TABLE "revoke_items" SET (fillfactor = 90);
