-- Queue tables churn: every message inserts an entry, a claim updates it, an ack deletes it.
-- With the default thresholds (20% of the table) autovacuum waits for millions of dead rows
-- on a busy queue, and claims wade through dead index entries at the head of the queue.
-- Vacuum and analyze them after a fixed number of changes instead, as PostgreSQL-backed queues
-- (pg-boss, Que, Oban) recommend.
ALTER TABLE "queue_entries" SET (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000,
  autovacuum_vacuum_cost_delay = 1
);--> statement-breakpoint
ALTER TABLE "queue_depth_deltas" SET (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_cost_delay = 1
);
