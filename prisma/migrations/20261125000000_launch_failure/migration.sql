-- Launches that cannot succeed fail within a bound (lib/domain/launch-deadline.ts): the worker needs to know
-- when the instance reached the step it is at. Null on rows that have not reached one yet (and on rows
-- older than this column): their creation counts instead.
ALTER TABLE "instances" ADD COLUMN "step_started_at" TIMESTAMPTZ(3);

-- A failed instance no longer counts against its owner's quota, yet a launch of its template still returns
-- it (so its owner sees what went wrong and retries it, rather than piling up failed copies). The claim
-- therefore takes two lists of phases: the counted ones, and the ones a launch returns. Both come from one
-- read of the owner's instances, still one round trip per launch. The rest is as in 20261123000000_launch_claim.
DROP FUNCTION envdeck_launch_state(UUID, TEXT, INTEGER, INTEGER, TEXT[], BOOLEAN, INTEGER, "InstancePhase", TIMESTAMPTZ, TIMESTAMPTZ, UUID, TEXT, TEXT);

-- Returns {"live": n, "existing": uuid|null, "claimed": instance row|null}; "live" counts p_counted phases only.
CREATE FUNCTION envdeck_launch_state(
  p_template UUID,
  p_owner TEXT,
  p_lock_class INTEGER,
  p_lock_key INTEGER,
  p_counted TEXT[],
  p_returned TEXT[],
  p_pool BOOLEAN,
  p_limit INTEGER,
  p_claimed "InstancePhase",
  p_now TIMESTAMPTZ,
  p_expires TIMESTAMPTZ,
  p_user UUID,
  p_channel TEXT,
  p_pool_wake TEXT
) RETURNS JSONB LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_live INTEGER;
  v_existing TEXT;
  v_claimed instances;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock_class, p_lock_key);
  -- A counted instance is returned before a failed one of the same template, oldest first.
  SELECT count(*) FILTER (WHERE phase::TEXT = ANY(p_counted))::INTEGER,
         (array_agg(uuid::TEXT ORDER BY phase::TEXT = ANY(p_counted) DESC, created_at) FILTER (WHERE template_id = p_template))[1]
  INTO v_live, v_existing
  FROM instances
  WHERE owner_key = p_owner AND deleted_at IS NULL AND phase::TEXT = ANY(p_returned);
  IF v_existing IS NULL AND p_pool AND (p_limit = 0 OR v_live < p_limit) THEN
    UPDATE instances i
    SET owner_key = p_owner, phase = p_claimed, claimed_at = p_now, expires_at = p_expires, created_by_id = p_user,
        message = 'Claimed from the warm pool', updated_at = p_now
    WHERE i.id = (
      SELECT id FROM instances
      WHERE template_id = p_template AND phase = 'Available' AND owner_key IS NULL AND deleted_at IS NULL
      ORDER BY created_at LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING i.* INTO v_claimed;
    IF v_claimed.uuid IS NOT NULL THEN
      PERFORM pg_notify(p_channel, v_claimed.uuid);
      PERFORM pg_notify(p_channel, p_pool_wake);
    END IF;
  END IF;
  RETURN jsonb_build_object(
    'live', v_live,
    'existing', v_existing,
    'claimed', CASE WHEN v_claimed.uuid IS NULL THEN NULL ELSE to_jsonb(v_claimed) END
  );
END
$$;
