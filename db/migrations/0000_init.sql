CREATE TABLE "exchanges" (
	"name" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"name" text PRIMARY KEY NOT NULL,
	"durability" text NOT NULL,
	"max_deliveries" integer NOT NULL,
	"visibility_timeout_ms" integer NOT NULL,
	"retry" jsonb NOT NULL,
	"dead_letter" jsonb,
	"message_ttl_ms" integer,
	"max_length" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bindings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"exchange" text NOT NULL,
	"queue" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"headers_match" text,
	"headers" jsonb,
	"signature" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"exchange" text NOT NULL,
	"routing_key" text NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"content_type" text NOT NULL,
	"body" "bytea" NOT NULL,
	"correlation_id" text NOT NULL,
	"reply_to" text,
	"idempotency_key" text,
	"traceparent" text,
	"tracestate" text,
	"persistent" boolean DEFAULT true NOT NULL,
	"routed_to" text[] NOT NULL,
	"replay_of" uuid,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"message_id" uuid NOT NULL,
	"visible_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"lease" uuid,
	"enqueued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"death" jsonb
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"type" text NOT NULL,
	"message_id" uuid NOT NULL,
	"queue" text,
	"node" text NOT NULL,
	"attempt" integer,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"exchange" text NOT NULL,
	"key" text NOT NULL,
	"message_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_exchange_key_pk" PRIMARY KEY("exchange","key")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "bindings_unique" ON "bindings" USING btree ("exchange","queue","signature");--> statement-breakpoint
CREATE INDEX "messages_correlation" ON "messages" USING btree ("correlation_id");--> statement-breakpoint
CREATE INDEX "messages_exchange_seq" ON "messages" USING btree ("exchange","seq");--> statement-breakpoint
CREATE INDEX "messages_published_at" ON "messages" USING btree ("published_at");--> statement-breakpoint
CREATE INDEX "queue_entries_claim" ON "queue_entries" USING btree ("queue","visible_at","id");--> statement-breakpoint
CREATE INDEX "queue_entries_message" ON "queue_entries" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "queue_entries_leased" ON "queue_entries" USING btree ("queue","visible_at") WHERE lease IS NOT NULL;--> statement-breakpoint
CREATE INDEX "events_message" ON "events" USING btree ("message_id","id");--> statement-breakpoint
CREATE INDEX "events_at" ON "events" USING btree ("at");