-- The head of a queue, for a claim: up to p_limit ready entries in (visible_at, id) order, locked,
-- skipping those other consumers hold. Walking queue_entries_claim in order reads only the rows it
-- returns. Planned on stale statistics (a queue that grew from empty since the last ANALYZE, and
-- PGlite, which has no autovacuum), the same query was a bitmap scan of every ready entry and a
-- sort, so each claim cost time in proportion to the depth. The function's settings leave the
-- planner the index walk alone; they apply to this query only. ROWS keeps the statement around it
-- on index lookups per claimed row (with the default estimate of 1000 it hashed whole tables).
CREATE FUNCTION hatoba_claimable(p_queue text, p_limit int, p_max_deliveries int, p_ttl_ms int8)
RETURNS TABLE (id int8, old_lease uuid)
LANGUAGE plpgsql VOLATILE ROWS 10
SET enable_bitmapscan = off
SET enable_seqscan = off
SET enable_sort = off
AS $$
BEGIN
  -- PL/pgSQL keeps the plan of this query for the session (a SQL function would plan it per call).
  RETURN QUERY
    SELECT e.id, e.lease FROM queue_entries e
    WHERE e.queue = p_queue AND e.visible_at <= now()
      AND (e.lease IS NULL OR e.attempt < p_max_deliveries)
      AND (p_ttl_ms IS NULL OR e.enqueued_at > now() - p_ttl_ms * interval '1 millisecond')
    ORDER BY e.visible_at, e.id
    LIMIT p_limit
    FOR UPDATE OF e SKIP LOCKED;
END
$$;
