-- The node that accepted each publish, for its trace (published and routed happen there). Nullable
-- with no default: PostgreSQL adds it without rewriting the table; older rows say null.
ALTER TABLE "messages" ADD COLUMN "node" text;