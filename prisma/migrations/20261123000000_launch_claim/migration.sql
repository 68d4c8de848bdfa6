-- The hot path of a launch in one round trip (lib/db/claim.ts). Under the owner's advisory lock it
-- counts the owner's live instances, finds the owner's live instance of the template, and, for a pool
-- template when the owner has none and is under quota, claims one Available member with
-- FOR UPDATE SKIP LOCKED and wakes the worker. PL/pgSQL takes a fresh snapshot for each statement, so the
-- reads after the lock see every launch that committed before it. Called on its own (autocommit: the lock
-- ends with the statement) or inside a launch's transaction (the lock lasts until its commit).
-- Returns {"live": n, "existing": uuid|null, "claimed": instance row|null}.
CREATE FUNCTION envdeck_launch_state(
  p_template UUID,
  p_owner TEXT,
  p_lock_class INTEGER,
  p_lock_key INTEGER,
  p_counted TEXT[],
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
  SELECT count(*)::INTEGER INTO v_live FROM instances
  WHERE owner_key = p_owner AND deleted_at IS NULL AND phase::TEXT = ANY(p_counted);
  IF v_live > 0 THEN
    SELECT uuid INTO v_existing FROM instances
    WHERE template_id = p_template AND owner_key = p_owner AND deleted_at IS NULL AND phase::TEXT = ANY(p_counted)
    ORDER BY created_at LIMIT 1;
  END IF;
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
