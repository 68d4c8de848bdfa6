import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

/**
 * Class-scoped rights, checked in one place: admins reach every class, a teacher only the classes they teach.
 * A class someone may not reach is answered as not found, so its short name tells nothing.
 */

export interface ScopedClass {
  id: string;
  slug: string;
  title: string;
  archivedAt: Date | null;
}

const notFound = () => new AppError("NOT_FOUND", "No such class.");

/** The class with this short name if the caller teaches it (or is an admin); NOT_FOUND otherwise. */
export async function findTaughtClass(identity: Identity | null, slug: unknown): Promise<ScopedClass> {
  assertCan(identity, "teach:view");
  if (typeof slug !== "string" || slug.length === 0 || slug.length > 40) throw notFound();
  const isAdmin = identity.roles.includes("admin");
  const found = await db().class.findFirst({
    where: { slug, ...(isAdmin ? {} : { teachers: { some: { userId: identity.userId } } }) },
    select: { id: true, slug: true, title: true, archivedAt: true },
  });
  if (!found) throw notFound();
  return found;
}
