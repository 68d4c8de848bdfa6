import "server-only";
import type { Phase } from "@/lib/domain/phase";
import { sqlPool } from "./client";

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
