ALTER TABLE "sources" ADD COLUMN "rate_limit" jsonb;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "last_used_at" timestamp with time zone;