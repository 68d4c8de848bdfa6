import "server-only";
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
