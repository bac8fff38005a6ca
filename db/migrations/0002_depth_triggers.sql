-- Queue totals without COUNT(*): every statement that inserts or deletes queue entries appends
-- one signed row per queue it touched (statement-level, from the transition table).
CREATE FUNCTION hatoba_depth_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_depth_deltas (queue, delta) SELECT queue, count(*) FROM new_entries GROUP BY queue;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION hatoba_depth_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_depth_deltas (queue, delta) SELECT queue, -count(*) FROM old_entries GROUP BY queue;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER queue_entries_depth_insert AFTER INSERT ON queue_entries
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION hatoba_depth_inserted();
--> statement-breakpoint
CREATE TRIGGER queue_entries_depth_delete AFTER DELETE ON queue_entries
  REFERENCING OLD TABLE AS old_entries FOR EACH STATEMENT EXECUTE FUNCTION hatoba_depth_deleted();
--> statement-breakpoint
INSERT INTO queue_depth_deltas (queue, delta) SELECT queue, count(*) FROM queue_entries GROUP BY queue;
