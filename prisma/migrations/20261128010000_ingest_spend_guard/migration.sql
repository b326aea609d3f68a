-- The guard of ingest's one-statement budget path (lib/server/ingest/statements.ts
-- INGEST_WITHIN_BUDGETS_SQL): that statement inserts a batch, adds it to the roll-ups and to its
-- budgets' period counters, and is right only when every counter it needs exists and no counter
-- ends above its budget's limit (then no event is over budget and nothing else must be written).
-- Otherwise this raises SQLSTATE SLB01, the whole statement is undone, and ingest stores the batch
-- through the budget transaction, which creates counters and flags events.
CREATE FUNCTION spendline_ingest_spend_guard(p_targets bigint, p_counters bigint, p_within_limits boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF p_counters < p_targets OR NOT COALESCE(p_within_limits, true) THEN
    RAISE EXCEPTION 'the batch needs the budget transaction' USING ERRCODE = 'SLB01';
  END IF;
  RETURN true;
END
$$;
