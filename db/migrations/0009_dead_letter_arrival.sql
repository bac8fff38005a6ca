-- Dead letters in the order they arrived in their DLQ, for the console's dead-letter page: the
-- claim index follows visible_at, which a lease moves. Partial: only dead letters carry a death,
-- so publishes and acks of ordinary entries do not maintain it.
CREATE INDEX "queue_entries_dead_arrival" ON "queue_entries" USING btree ("queue","enqueued_at","id") WHERE death IS NOT NULL;
