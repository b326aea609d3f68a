-- AlterTable (existing links take their reservation's expiry)
ALTER TABLE "reservation_budgets" ADD COLUMN     "expires_at" TIMESTAMPTZ(3);
UPDATE "reservation_budgets" rb SET "expires_at" = r."expires_at" FROM "reservations" r WHERE r."id" = rb."reservation_id";
ALTER TABLE "reservation_budgets" ALTER COLUMN "expires_at" SET NOT NULL;

-- CreateTable
CREATE TABLE "rate_limit_buckets" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "refilled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limit_buckets_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "reservation_budgets_budget_period_id_expires_at_idx" ON "reservation_budgets"("budget_period_id", "expires_at");

-- The start of the UTC calendar period of kind `kind` (daily, weekly from Monday, monthly)
-- containing `at`; lib/budgets/periods.ts computes the same in TypeScript.
CREATE FUNCTION spendline_period_start(kind text, at timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT date_trunc(CASE kind WHEN 'daily' THEN 'day' WHEN 'weekly' THEN 'week' ELSE 'month' END, at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
$$;

CREATE FUNCTION spendline_period_end(kind text, at timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (date_trunc(CASE kind WHEN 'daily' THEN 'day' WHEN 'weekly' THEN 'week' ELSE 'month' END, at AT TIME ZONE 'UTC')
          + CASE kind WHEN 'daily' THEN interval '1 day' WHEN 'weekly' THEN interval '7 days' ELSE interval '1 month' END) AT TIME ZONE 'UTC'
$$;

-- POST /api/v1/budgets/check in one round trip (SPEC §5, §6 "hard budgets hold"). In order:
-- creates the missing period counters of every active budget in scope (budget id order), locks
-- them all ordered by id (the locking rule of lib/server/budgets/store.ts, so parallel checks and
-- ingest queue instead of deadlocking), releases the expired reservations they hold, decides on
-- the locked figures (lib/budgets/decide.ts: a hard budget that does not fit blocks, a soft one
-- asks to confirm, the warning threshold warns) and, on allow/warn, reserves the estimate against
-- every one of them. Each statement of a PL/pgSQL function sees the rows committed before it, so
-- a parallel check that waited for a lock decides on the counters its predecessor left.
-- Answers { decision, reservation_id, over_budget_ids, budgets: [...] } (money as text).
CREATE FUNCTION spendline_budget_check(p_org uuid, p_project text, p_user text, p_estimate numeric, p_now timestamptz, p_expires timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_ids uuid[];
  v_decision text;
  v_over uuid[];
  v_reservation uuid;
BEGIN
  INSERT INTO budget_periods (budget_id, period_start, period_end)
  SELECT b.id, spendline_period_start(b.period::text, p_now), spendline_period_end(b.period::text, p_now)
  FROM budgets b
  WHERE b.org_id = p_org AND b.active
    AND (b.scope = 'organization' OR (b.scope = 'project' AND b.scope_key = p_project) OR (b.scope = 'user' AND b.scope_key = p_user))
    AND NOT EXISTS (SELECT 1 FROM budget_periods bp WHERE bp.budget_id = b.id AND bp.period_start = spendline_period_start(b.period::text, p_now))
  ORDER BY b.id
  ON CONFLICT (budget_id, period_start) DO NOTHING;

  SELECT array_agg(id) INTO v_ids FROM (
    SELECT bp.id FROM budgets b JOIN budget_periods bp ON bp.budget_id = b.id AND bp.period_start = spendline_period_start(b.period::text, p_now)
    WHERE b.org_id = p_org AND b.active
      AND (b.scope = 'organization' OR (b.scope = 'project' AND b.scope_key = p_project) OR (b.scope = 'user' AND b.scope_key = p_user))
    ORDER BY bp.id
    FOR UPDATE OF bp
  ) locked;

  IF v_ids IS NULL THEN
    RETURN jsonb_build_object('decision', 'allow', 'reservation_id', NULL, 'over_budget_ids', '[]'::jsonb, 'budgets', '[]'::jsonb);
  END IF;

  WITH gone AS (
    DELETE FROM reservation_budgets rb USING reservations r
    WHERE rb.budget_period_id = ANY(v_ids) AND rb.expires_at <= p_now AND r.id = rb.reservation_id
    RETURNING rb.budget_period_id AS period_id, r.amount_usd AS amount
  ), totals AS (
    SELECT period_id, sum(amount) AS amount FROM gone GROUP BY period_id
  )
  UPDATE budget_periods bp SET reserved_usd = bp.reserved_usd - t.amount, updated_at = now()
  FROM totals t WHERE bp.id = t.period_id;

  WITH figures AS (
    SELECT b.id, b.mode::text AS mode, bp.spent_usd + bp.reserved_usd + p_estimate AS after,
           b.limit_usd + COALESCE((SELECT sum(o.amount_usd) FROM budget_overrides o
             WHERE o.budget_id = b.id AND o.kind = 'extension' AND o.created_at <= p_now AND (o.valid_until IS NULL OR o.valid_until > p_now)), 0) AS cap,
           b.limit_usd * b.warn_percent / 100 AS warn_at
    FROM budget_periods bp JOIN budgets b ON b.id = bp.budget_id
    WHERE bp.id = ANY(v_ids)
  )
  SELECT CASE WHEN bool_or(after > cap AND mode = 'hard') THEN 'block'
              WHEN bool_or(after > cap) THEN 'confirm'
              WHEN bool_or(after >= warn_at) THEN 'warn'
              ELSE 'allow' END,
         array_agg(id) FILTER (WHERE after > cap)
  INTO v_decision, v_over
  FROM figures;

  IF v_decision IN ('allow', 'warn') THEN
    INSERT INTO reservations (org_id, amount_usd, expires_at) VALUES (p_org, p_estimate, p_expires) RETURNING id INTO v_reservation;
    INSERT INTO reservation_budgets (reservation_id, budget_period_id, expires_at) SELECT v_reservation, unnest(v_ids), p_expires;
    UPDATE budget_periods SET reserved_usd = reserved_usd + p_estimate, updated_at = now() WHERE id = ANY(v_ids);
  END IF;

  RETURN (
    SELECT jsonb_build_object(
      'decision', v_decision,
      'reservation_id', v_reservation,
      'over_budget_ids', to_jsonb(COALESCE(v_over, '{}'::uuid[])),
      'budgets', jsonb_agg(jsonb_build_object(
        'id', b.id, 'scope', b.scope::text, 'scope_key', b.scope_key, 'mode', b.mode::text,
        'limit_usd', b.limit_usd::text, 'spent_usd', bp.spent_usd::text, 'reserved_usd', bp.reserved_usd::text,
        'cap_usd', (b.limit_usd + COALESCE((SELECT sum(o.amount_usd) FROM budget_overrides o
             WHERE o.budget_id = b.id AND o.kind = 'extension' AND o.created_at <= p_now AND (o.valid_until IS NULL OR o.valid_until > p_now)), 0))::text,
        'period_end_ms', (extract(epoch FROM bp.period_end) * 1000)::bigint)
        ORDER BY CASE b.scope WHEN 'organization' THEN 0 WHEN 'project' THEN 1 ELSE 2 END))
    FROM budget_periods bp JOIN budgets b ON b.id = bp.budget_id
    WHERE bp.id = ANY(v_ids));
END
$$;

-- Takes up to p_want tokens from the shared bucket p_key (a token bucket: p_burst tokens at most,
-- refilled at p_per_second) for one instance of the app, in one round trip. Answers how many were
-- granted (0 … p_want) and, when none was, the seconds until one will be there. The row lock
-- serialises instances, so together they never take more than the bucket holds.
CREATE FUNCTION spendline_rate_limit_take(p_key text, p_burst float8, p_per_second float8, p_want int)
RETURNS TABLE (granted int, retry_after float8) LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_tokens float8;
  v_grant int;
BEGIN
  SELECT LEAST(p_burst, b.tokens + GREATEST(0, extract(epoch FROM v_now - b.refilled_at)) * p_per_second) INTO v_tokens
  FROM rate_limit_buckets b WHERE b.key = p_key FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO rate_limit_buckets (key, tokens, refilled_at) VALUES (p_key, p_burst, v_now) ON CONFLICT (key) DO NOTHING;
    SELECT LEAST(p_burst, b.tokens + GREATEST(0, extract(epoch FROM v_now - b.refilled_at)) * p_per_second) INTO v_tokens
    FROM rate_limit_buckets b WHERE b.key = p_key FOR UPDATE;
  END IF;
  v_grant := GREATEST(0, LEAST(p_want, floor(v_tokens)))::int;
  UPDATE rate_limit_buckets SET tokens = v_tokens - v_grant, refilled_at = GREATEST(refilled_at, v_now) WHERE key = p_key;
  RETURN QUERY SELECT v_grant, CASE WHEN v_grant > 0 THEN 0::float8 ELSE (1 - (v_tokens - v_grant)) / p_per_second END;
END
$$;
