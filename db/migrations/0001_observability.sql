CREATE TABLE "queue_depth_deltas" (
	"queue" text NOT NULL,
	"delta" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_depth_samples" (
	"queue" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ready" integer NOT NULL,
	"in_flight" integer NOT NULL,
	"delayed" integer NOT NULL,
	"oldest_ready_age_ms" bigint,
	CONSTRAINT "queue_depth_samples_queue_at_pk" PRIMARY KEY("queue","at")
);
--> statement-breakpoint
CREATE TABLE "message_counts" (
	"exchange" text NOT NULL,
	"routing_key" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"count" bigint NOT NULL,
	"bytes" bigint NOT NULL,
	CONSTRAINT "message_counts_exchange_routing_key_minute_pk" PRIMARY KEY("exchange","routing_key","minute")
);
--> statement-breakpoint
CREATE INDEX "queue_depth_deltas_queue" ON "queue_depth_deltas" USING btree ("queue");--> statement-breakpoint
CREATE INDEX "queue_depth_samples_at" ON "queue_depth_samples" USING btree ("at");--> statement-breakpoint
CREATE INDEX "messages_headers" ON "messages" USING gin ("headers" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "messages_routed_to" ON "messages" USING gin ("routed_to");