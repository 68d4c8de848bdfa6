import "server-only";
import type { PoolClient } from "pg";
import { nextPhase, type Phase } from "@/lib/domain/phase";
import { MEMBER_ENDED, type PoolMember } from "@/lib/domain/pool-state";
import { sqlPool } from "./client";
import { POOL_WAKE_PREFIX, WAKE_CHANNEL } from "./coordination";

/**
 * A warm pool's members in the database, as the admin's view of a pool and the recycle by hand need them:
 * the members that are not torn down, what the last ones ended were ended for, and ending chosen members.
 */

type Sql = Pick<PoolClient, "query">;

const MEMBER_COLUMNS = `i.id, i.uuid, v.version, i.phase::text AS phase, i.owner_key IS NOT NULL AS claimed, i.step,
  i.step_started_at AS "stepStartedAt", i.created_at AS "createdAt", i.message`;

/** A member with its row id, for ending it. */
export type PoolMemberRow = PoolMember & { id: string };

/** Every member of a template's pool (claimed or not) that is not torn down yet, oldest first. */
export async function listPoolMembers(templateId: string): Promise<PoolMember[]> {
  const { rows } = await sqlPool().query<PoolMemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM instances i JOIN template_versions v ON v.id = i.template_version_id
     WHERE i.template_id = $1::uuid AND i.pooled AND i.deleted_at IS NULL
     ORDER BY i.created_at`,
    [templateId],
  );
  return rows.map(({ id, ...member }) => member);
}

/** An unclaimed member ended earlier: which, of what version, why (the message it kept) and when. */
export interface EndedMember {
  uuid: string;
  version: number;
  message: string;
  at: Date;
}

export interface PoolHistory {
  /** The last unclaimed member that failed to start, or null when none ever did. */
  lastFailure: EndedMember | null;
  /** The unclaimed members ended last (being torn down or gone), newest first. */
  recent: EndedMember[];
}

/**
 * What happened to a pool's members lately, from the rows the worker keeps with the message they ended with
 * (lib/controllers/instances.ts keeps it at teardown). Unclaimed members only: a claimed one is its owner's.
 */
export async function readPoolHistory(templateId: string, recent = 5): Promise<PoolHistory> {
  const ended = `SELECT i.uuid, v.version, coalesce(i.message, '') AS message, i.updated_at AS at
    FROM instances i JOIN template_versions v ON v.id = i.template_version_id
    WHERE i.template_id = $1::uuid AND i.pooled AND i.owner_key IS NULL`;
  const [failure, last] = await Promise.all([
    sqlPool().query<EndedMember>(
      `${ended} AND (i.phase = 'Failed' OR left(i.message, length($2)) = $2) ORDER BY i.updated_at DESC LIMIT 1`,
      [templateId, MEMBER_ENDED.failed],
    ),
    sqlPool().query<EndedMember>(`${ended} AND (i.phase = 'Expiring' OR i.deleted_at IS NOT NULL) ORDER BY i.updated_at DESC LIMIT $2`, [templateId, recent]),
  ]);
  return { lastFailure: failure.rows[0] ?? null, recent: last.rows };
}

/**
 * The unclaimed members of a template that are not ending yet, locked for this transaction. Members a claim
 * holds right now are skipped: the claim wins, and a claimed member is never ended for the pool.
 */
export async function lockUnclaimedMembers(sql: Sql, templateId: string): Promise<PoolMemberRow[]> {
  const { rows } = await sql.query<PoolMemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM instances i JOIN template_versions v ON v.id = i.template_version_id
     WHERE i.template_id = $1::uuid AND i.pooled AND i.owner_key IS NULL AND i.deleted_at IS NULL AND i.phase <> 'Expiring'
     ORDER BY i.created_at
     FOR UPDATE OF i SKIP LOCKED`,
    [templateId],
  );
  return rows;
}

/**
 * Ends locked unclaimed members as the pool does (Expiring, with why: the instance reconciler tears them
 * down) and, with `notify`, wakes the worker for each and for the pool, which replaces them (delivered at
 * commit). The one way a pool member is ended, by the pool controller or by an admin. Returns the uuids ended.
 */
export async function endPoolMembers(
  sql: Sql,
  templateId: string,
  members: { id: string; uuid: string; phase: Phase }[],
  message: string,
  options: { notify: boolean },
): Promise<string[]> {
  const ended: string[] = [];
  for (const member of members) {
    const { rowCount } = await sql.query(
      `UPDATE instances SET phase = $2::"InstancePhase", message = $3, updated_at = now()
       WHERE id = $1 AND owner_key IS NULL AND deleted_at IS NULL`,
      [member.id, nextPhase(member.phase, "Expiring"), message],
    );
    if (rowCount === 1) ended.push(member.uuid);
  }
  if (options.notify && ended.length > 0) {
    await sql.query("SELECT pg_notify($1, uuid) FROM unnest($2::text[]) AS uuid", [WAKE_CHANNEL, ended]);
    await sql.query("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, POOL_WAKE_PREFIX + templateId]);
  }
  return ended;
}
