/**
 * The names web and worker coordinate through in PostgreSQL: advisory lock keys (arbitrary constants, one
 * per purpose, so two purposes never block each other) and the wake-up channel.
 */
export const LOCKS = {
  /** Template saves, one at a time: version numbers and cascades must not interleave. */
  templateSave: 727_002,
  /** The active worker (session lock on the leader's dedicated connection). */
  leader: 727_003,
  /** Launches of one owner key (transaction lock, second key = hashtext(owner key)). */
  owner: 727_004,
  /** Instance creation for one pool template, so maxSize holds (second key = hashtext(template id)). */
  templateCapacity: 727_005,
  /** Sign-in attempts of one username, counted and recorded one at a time (second key = hashtext(username)). */
  signIn: 727_006,
  /** Join codes tried by one user, counted and recorded one at a time (second key = hashtext(user id)). */
  classJoin: 727_020,
  /** Warm-up bookings of one template, checked against its maxSize one at a time (second key = hashtext(template id)). */
  warmUpBooking: 727_030,
} as const;

/** NOTIFY channel the worker LISTENs on. */
export const WAKE_CHANNEL = "envdeck_worker";

/**
 * Wake-up payloads: an instance uuid (reconcile that instance), `pool:<template id>` (look at that pool),
 * `settings` (read the settings again), or empty (look at everything).
 */
export const POOL_WAKE_PREFIX = "pool:";
export const SETTINGS_WAKE = "settings";
