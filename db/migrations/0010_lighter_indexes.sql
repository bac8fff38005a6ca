-- Lighter upkeep for two indexes every message pays for (bench/LIMITS.md, "Where a consumed
-- message's WAL goes"): the header search index covers only messages that have headers, and
-- retention's index on events.at becomes a BRIN (events arrive in about time order).
DROP INDEX "messages_headers";--> statement-breakpoint
DROP INDEX "events_at";--> statement-breakpoint
CREATE INDEX "messages_headers" ON "messages" USING gin ("headers" jsonb_path_ops) WHERE headers <> '{}'::jsonb;--> statement-breakpoint
CREATE INDEX "events_at" ON "events" USING brin ("at");