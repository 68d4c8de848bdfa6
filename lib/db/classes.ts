import "server-only";
import type { Phase } from "@/lib/domain/phase";
import { recordAuditSql, type AuditEntry } from "./audit";
import { sqlPool, withSqlTransaction } from "./client";
import { LOCKS } from "./coordination";

/**
 * Who belongs to which class, as every class-scoped check reads it. A user is a member of a class that is not
 * archived when they have a member row (they joined by its code, or a teacher added them) or when one of
 * their identity-provider groups is bound to it; teachers are listed by class. The rest of the classes'
 * data access (rosters, join codes, catalogs by class) builds on these.
 */

/** The ids of the classes `user` is a member of, archived ones left out. */
export async function memberClassIds(user: { userId: string; groups: string[] }): Promise<string[]> {
  const { rows } = await sqlPool().query<{ id: string }>(
    `SELECT c.id::text AS id FROM classes c
     WHERE c.archived_at IS NULL
       AND (c.groups && $2::text[] OR EXISTS (SELECT 1 FROM class_members m WHERE m.class_id = c.id AND m.user_id = $1::uuid))
     ORDER BY c.id`,
    [user.userId, user.groups],
  );
  return rows.map((r) => r.id);
}

/** The ids of the classes `userId` teaches, archived ones included (a teacher still reads their old classes). */
export async function taughtClassIds(userId: string): Promise<string[]> {
  const { rows } = await sqlPool().query<{ id: string }>("SELECT class_id::text AS id FROM class_teachers WHERE user_id = $1::uuid ORDER BY class_id", [userId]);
  return rows.map((r) => r.id);
}

/** Whether `userId` teaches the class with this id. */
export async function teachesClass(userId: string, classId: string): Promise<boolean> {
  const { rowCount } = await sqlPool().query("SELECT 1 FROM class_teachers WHERE user_id = $1::uuid AND class_id = $2::uuid", [userId, classId]);
  return (rowCount ?? 0) > 0;
}

// ---- Classes as their teachers read and change them ----

/** A class's row as the use cases read it. */
export interface ClassRecord {
  id: string;
  slug: string;
  title: string;
  term: string;
  groups: string[];
  joinCode: string | null;
  joinCodeExpiresAt: Date | null;
  createdAt: Date;
  archivedAt: Date | null;
}

export const classColumns = { id: true, slug: true, title: true, term: true, groups: true, joinCode: true, joinCodeExpiresAt: true, createdAt: true, archivedAt: true } as const;

/** A class in a list: its row, how many members and catalogs it has, and its teachers' usernames. */
export interface ClassSummaryRow extends ClassRecord {
  members: number;
  catalogs: number;
  teachers: string[];
}

/**
 * The classes `teacherId` teaches, or every class when null (admins), active ones first, by title. Members
 * count each person once, whether they joined, were added, or belong through a bound group.
 */
export async function listClassSummaries(teacherId: string | null): Promise<ClassSummaryRow[]> {
  const { rows } = await sqlPool().query<ClassSummaryRow>(
    `SELECT c.id::text AS id, c.slug, c.title, c.term, coalesce(c.groups, '{}') AS groups, c.join_code AS "joinCode",
            c.join_code_expires_at AS "joinCodeExpiresAt", c.created_at AS "createdAt", c.archived_at AS "archivedAt",
            (SELECT count(*) FROM (SELECT m.user_id FROM class_members m WHERE m.class_id = c.id
                                   UNION SELECT u.id FROM users u WHERE cardinality(coalesce(c.groups, '{}')) > 0 AND u.groups && c.groups) x)::int AS members,
            (SELECT count(*) FROM catalog_classes cc JOIN catalogs k ON k.id = cc.catalog_id WHERE cc.class_id = c.id AND k.deleted_at IS NULL)::int AS catalogs,
            ARRAY(SELECT u.username FROM class_teachers t JOIN users u ON u.id = t.user_id WHERE t.class_id = c.id ORDER BY u.username)::text[] AS teachers
     FROM classes c
     WHERE $1::uuid IS NULL OR EXISTS (SELECT 1 FROM class_teachers t WHERE t.class_id = c.id AND t.user_id = $1::uuid)
     ORDER BY c.archived_at IS NOT NULL, lower(c.title), c.slug`,
    [teacherId],
  );
  return rows;
}

/** One member of a class's roster. `via` "group" means only a bound group makes them one. */
export interface MemberRow {
  userId: string;
  username: string;
  displayName: string | null;
  via: "link" | "teacher" | "group";
  joinedAt: Date | null;
  /** The class's bound groups they belong to. */
  viaGroups: string[];
}

/** Everyone in a class, by username: members with a row, then people only a bound group makes members. */
export async function listClassMembers(classId: string, groups: string[]): Promise<MemberRow[]> {
  const { rows } = await sqlPool().query<MemberRow>(
    `SELECT u.id::text AS "userId", u.username, u.display_name AS "displayName", m.via, m.joined_at AS "joinedAt",
            ARRAY(SELECT unnest(u.groups) INTERSECT SELECT unnest($2::text[]))::text[] AS "viaGroups"
     FROM class_members m JOIN users u ON u.id = m.user_id WHERE m.class_id = $1::uuid
     UNION ALL
     SELECT u.id::text, u.username, u.display_name, 'group', NULL, ARRAY(SELECT unnest(u.groups) INTERSECT SELECT unnest($2::text[]))::text[]
     FROM users u
     WHERE cardinality($2::text[]) > 0 AND u.groups && $2::text[]
       AND NOT EXISTS (SELECT 1 FROM class_members m WHERE m.class_id = $1::uuid AND m.user_id = u.id)
     ORDER BY username`,
    [classId, groups],
  );
  return rows.map((row) => ({ ...row, viaGroups: [...row.viaGroups].sort() }));
}

/** The class's teachers, by username. */
export async function listClassTeachers(classId: string): Promise<{ userId: string; username: string; displayName: string | null }[]> {
  const { rows } = await sqlPool().query<{ userId: string; username: string; displayName: string | null }>(
    `SELECT u.id::text AS "userId", u.username, u.display_name AS "displayName"
     FROM class_teachers t JOIN users u ON u.id = t.user_id WHERE t.class_id = $1::uuid ORDER BY u.username`,
    [classId],
  );
  return rows;
}

// ---- Join codes ----

/** What trying a join code came to. */
export type JoinAttemptResult =
  | { status: "throttled"; retryAfterSeconds: number }
  | { status: "refused" }
  | { status: "open" | "already" | "joined"; classId: string; slug: string; title: string };

/**
 * Tries a join code for `user`, one attempt of theirs at a time (an advisory lock per user), counted against
 * the clock as it reads under the lock, so that guesses sent at once on several replicas are all counted.
 * `throttle` decides on the times of their recent wrong codes whether they may try at all; a code that opens
 * nothing (unknown, changed, turned off, expired, of an archived class, or malformed: `code` null) is recorded
 * as a wrong one. With `join`, a user who is not yet a member becomes one ("link"), audited by `audit`;
 * without, the class is only named (the join page before its button is pressed).
 */
export async function tryJoinCode(
  user: { userId: string; groups: string[] },
  code: string | null,
  options: {
    join: boolean;
    recentFailures: number;
    windowSeconds: number;
    throttle: (failures: Date[], now: Date) => { locked: false } | { locked: true; retryAfterSeconds: number };
    audit: (found: { classId: string; slug: string; title: string }) => AuditEntry;
  },
): Promise<JoinAttemptResult> {
  return withSqlTransaction(async (sql) => {
    await sql.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [LOCKS.classJoin, user.userId]);
    const { rows: recent } = await sql.query<{ at: Date; now: Date }>(
      `WITH clock AS (SELECT clock_timestamp() AS now)
       SELECT a.at, clock.now FROM clock LEFT JOIN LATERAL (
         SELECT at FROM join_attempts WHERE user_id = $1::uuid AND at > clock.now - make_interval(secs => $2) ORDER BY at DESC LIMIT $3
       ) a ON true`,
      [user.userId, options.windowSeconds, options.recentFailures],
    );
    const now = recent[0]!.now;
    const decision = options.throttle(
      recent.filter((r) => r.at !== null).map((r) => r.at),
      now,
    );
    if (decision.locked) return { status: "throttled", retryAfterSeconds: decision.retryAfterSeconds };
    const { rows } = code
      ? await sql.query<{ classId: string; slug: string; title: string; isMember: boolean }>(
          `SELECT c.id::text AS "classId", c.slug, c.title,
                  (EXISTS (SELECT 1 FROM class_members m WHERE m.class_id = c.id AND m.user_id = $2::uuid) OR coalesce(c.groups, '{}') && $3::text[]) AS "isMember"
           FROM classes c
           WHERE c.join_code = $1 AND c.archived_at IS NULL AND (c.join_code_expires_at IS NULL OR c.join_code_expires_at > clock_timestamp())`,
          [code, user.userId, user.groups],
        )
      : { rows: [] };
    const found = rows[0];
    if (!found) {
      await sql.query("INSERT INTO join_attempts (user_id, at) VALUES ($1::uuid, clock_timestamp())", [user.userId]);
      return { status: "refused" };
    }
    const named = { classId: found.classId, slug: found.slug, title: found.title };
    if (found.isMember) return { status: "already", ...named };
    if (!options.join) return { status: "open", ...named };
    await sql.query("INSERT INTO class_members (class_id, user_id, via) VALUES ($1::uuid, $2::uuid, 'link') ON CONFLICT DO NOTHING", [found.classId, user.userId]);
    await recordAuditSql(sql, options.audit(named));
    return { status: "joined", ...named };
  });
}

/** Deletes at most `limit` join attempts older than `before` (they count for nothing any more); returns how many. */
export async function pruneJoinAttempts(before: Date, limit: number): Promise<number> {
  const { rowCount } = await sqlPool().query("DELETE FROM join_attempts WHERE id IN (SELECT id FROM join_attempts WHERE at < $1 ORDER BY at LIMIT $2)", [before, limit]);
  return rowCount ?? 0;
}

// ---- The class view ----

/** A member of a class as the class view lists them. */
export interface ClassStudent {
  userId: string;
  username: string;
  displayName: string | null;
  email: string | null;
  groups: string[];
}

/**
 * The members of a class: every user with a member row, and every user one of whose groups is bound to the
 * class, by username. Teachers of the class are left out unless they are members too.
 */
export async function listClassStudents(classId: string): Promise<ClassStudent[]> {
  const { rows } = await sqlPool().query<ClassStudent>(
    `SELECT u.id::text AS "userId", u.username, u.display_name AS "displayName", u.email, u.groups
     FROM users u, classes c
     WHERE c.id = $1::uuid
       AND (EXISTS (SELECT 1 FROM class_members m WHERE m.class_id = c.id AND m.user_id = u.id) OR u.groups && c.groups)
     ORDER BY u.username`,
    [classId],
  );
  return rows;
}

/** A template of a class's catalogs, as the class view shows it. */
export interface ClassTemplate {
  id: string;
  name: string;
  displayName: string;
  teacherAccess: boolean;
  ttlExtendSeconds: number;
  ttlMaxExtends: number;
}

/**
 * The templates a class sees through its catalogs (catalog_classes → catalog_items), each once, in catalog
 * order: catalogs by title, then each catalog's items by position. Deleted catalogs and templates, and base
 * templates, are left out.
 */
export async function listClassTemplates(classId: string): Promise<ClassTemplate[]> {
  const { rows } = await sqlPool().query<ClassTemplate & { rank: number }>(
    `SELECT id, name, "displayName", "teacherAccess", "ttlExtendSeconds", "ttlMaxExtends" FROM (
       SELECT DISTINCT ON (t.id) t.id::text AS id, t.name, t.display_name AS "displayName", t.teacher_access AS "teacherAccess",
              t.ttl_extend_seconds AS "ttlExtendSeconds", t.ttl_max_extends AS "ttlMaxExtends",
              lower(k.title) AS catalog_title, k.id AS catalog_id, i.position
       FROM catalog_classes cc
       JOIN catalogs k ON k.id = cc.catalog_id AND k.deleted_at IS NULL
       JOIN catalog_items i ON i.catalog_id = k.id
       JOIN templates t ON t.id = i.template_id AND t.deleted_at IS NULL AND NOT t.is_base
       WHERE cc.class_id = $1::uuid
       ORDER BY t.id, lower(k.title), k.id, i.position
     ) first ORDER BY catalog_title, catalog_id, position, name`,
    [classId],
  );
  return rows;
}

/** The latest instance of a template for an owner key or an account, as a class view cell shows it. */
export interface ClassInstanceRow {
  id: string;
  uuid: string;
  templateId: string;
  ownerKey: string | null;
  createdById: string | null;
  phase: Phase;
  health: string | null;
  url: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  extendCount: number;
  deletedAt: Date | null;
}

const CLASS_INSTANCE_SELECT = `i.id::text AS id, i.uuid, i.template_id::text AS "templateId", i.owner_key AS "ownerKey", i.created_by_id::text AS "createdById",
  i.phase::text AS phase, i.health, i.url, i.created_at AS "createdAt", i.expires_at AS "expiresAt", i.extend_count AS "extendCount", i.deleted_at AS "deletedAt"`;

/**
 * For each (template, owner key) and each (template, launching account) asked for, the instance a cell shows:
 * the live one if there is one, else the latest torn down (for "last launched"). Deliberately not scoped to
 * the caller: the class view has already decided whose environments the teacher may see.
 */
export async function listClassInstances(templateIds: string[], ownerKeys: string[], launchedBy: string[]): Promise<ClassInstanceRow[]> {
  if (templateIds.length === 0) return [];
  const order = `(i.deleted_at IS NULL) DESC, i.created_at DESC, i.id DESC`;
  const [byOwner, byLauncher] = await Promise.all([
    ownerKeys.length === 0
      ? { rows: [] }
      : sqlPool().query<ClassInstanceRow>(
          `SELECT DISTINCT ON (i.template_id, i.owner_key) ${CLASS_INSTANCE_SELECT} FROM instances i
           WHERE i.template_id = ANY($1::uuid[]) AND i.owner_key = ANY($2::text[])
           ORDER BY i.template_id, i.owner_key, ${order}`,
          [templateIds, ownerKeys],
        ),
    launchedBy.length === 0
      ? { rows: [] }
      : sqlPool().query<ClassInstanceRow>(
          `SELECT DISTINCT ON (i.template_id, i.created_by_id) ${CLASS_INSTANCE_SELECT} FROM instances i
           WHERE i.template_id = ANY($1::uuid[]) AND i.created_by_id = ANY($2::uuid[])
           ORDER BY i.template_id, i.created_by_id, ${order}`,
          [templateIds, launchedBy],
        ),
  ]);
  return [...byOwner.rows, ...byLauncher.rows];
}
