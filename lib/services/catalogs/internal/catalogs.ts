import "server-only";
import type { z } from "zod";
import { isCatalogSlugTaken, listTaughtClasses, listUsableTemplates, type CatalogRow, type ResolvedCatalog } from "@/lib/db/catalogs";
import type { Prisma } from "@/lib/db/client";
import { catalogSlugProblem, type CatalogContent } from "@/lib/domain/catalog-rules";
import { AppError } from "@/lib/domain/errors";
import { fieldErrorsOf } from "@/lib/domain/field-errors";
import type { Identity } from "@/lib/domain/identity";
import { findNul, NUL_MESSAGE } from "@/lib/domain/text";

/**
 * What every catalog use case shares: the caller's reach, input read with the catalog's schema, a catalog's
 * content checked against the database (templates the caller may use, classes they teach, a free slug), and
 * the catalog as the editor and the API read it. Checks no permission itself: the use cases do, first.
 */

/** A teacher reaches their own catalogs, templates and classes; an admin every one (null). */
export function scopeOf(identity: Identity): { ownerId: string | null; userId: string | null } {
  const id = identity.roles.includes("admin") ? null : identity.userId;
  return { ownerId: id, userId: id };
}

/** Not found, whether it does not exist or belongs to someone else: the slug tells nothing. */
export const catalogNotFound = (slug: string) => new AppError("NOT_FOUND", `No catalog "${String(slug).slice(0, 63)}" of yours.`);

/** Input parsed by `schema`, or INVALID_INPUT with every problem at its field. NUL characters are refused by name. */
export function readCatalogInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const nul = findNul(input);
  if (nul) throw new AppError("INVALID_INPUT", NUL_MESSAGE, { [nul.slice(0, 80)]: ["must not contain a NUL character"] });
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new AppError("INVALID_INPUT", "Please correct the listed fields.", fieldErrorsOf(parsed.error, { unknown: "is not a field of a catalog", root: "body" }));
}

/**
 * Resolves a catalog's content in `tx` for the caller: each class must be one they teach (admins: any class),
 * each template one they may use, the slug free (`existing`: the catalog's own). What an admin put in a
 * teacher's catalog beyond the teacher's reach (another teacher's class or class template) may stay when the
 * teacher saves, but not be added. INVALID_INPUT naming each problem at its field, or CONFLICT for a slug
 * that is taken.
 */
export async function resolveCatalog(
  tx: Prisma.TransactionClient,
  identity: Identity,
  content: CatalogContent,
  existing: CatalogRow | null,
  options: { checkSlug: boolean } = { checkSlug: true },
): Promise<ResolvedCatalog> {
  const scope = scopeOf(identity);
  const exceptId = existing?.id ?? null;
  const fields: Record<string, string[]> = {};
  const slugProblem = catalogSlugProblem(content.slug);
  if (slugProblem && options.checkSlug) fields.slug = [content.slug === "" ? "Enter a short name: none can be made from this title." : slugProblem];

  const classes = await listTaughtClasses({ userId: scope.userId }, tx, content.classes);
  const classBySlug = new Map([...(existing?.classes ?? []), ...classes].map((k) => [k.slug, k]));
  content.classes.forEach((slug, i) => {
    if (!classBySlug.has(slug)) fields[`classes.${i}`] = [scope.userId ? `You do not teach a class "${slug}".` : `No class "${slug}".`];
  });

  const names = content.items.map((item) => item.template);
  const kept = new Set(existing?.items.map((item) => item.name) ?? []);
  const usable = new Map((await listUsableTemplates({ userId: scope.userId }, tx, names)).map((t) => [t.name, t]));
  const keptNames = names.filter((name) => !usable.has(name) && kept.has(name));
  if (scope.userId && keptNames.length) for (const t of await listUsableTemplates({ userId: null }, tx, keptNames)) usable.set(t.name, t);
  const missing = names.filter((name) => !usable.has(name));
  if (missing.length) {
    const found = new Map(
      (await tx.template.findMany({ where: { name: { in: missing } }, select: { name: true, isBase: true, deletedAt: true, validationError: true } })).map((t) => [t.name, t]),
    );
    content.items.forEach((item, i) => {
      if (usable.has(item.template)) return;
      const t = found.get(item.template);
      const why = !t
        ? `No template named "${item.template}".`
        : t.deletedAt
          ? `"${item.template}" is deleted.`
          : t.isBase
            ? `"${item.template}" is a base template: it is only extended, never listed.`
            : t.validationError
              ? `"${item.template}" cannot be launched until an administrator fixes it.`
              : `"${item.template}" is another teacher's template: you may not use it.`;
      fields[`items.${i}.template`] = [why];
    });
  }
  if (Object.keys(fields).length) throw new AppError("INVALID_INPUT", "Please correct the listed fields.", fields);

  const taken = options.checkSlug ? await isCatalogSlugTaken(tx, content.slug, exceptId) : { taken: false, deleted: false };
  if (taken.taken) {
    const message = taken.deleted ? `"${content.slug}" belonged to a deleted catalog: choose another short name.` : `"${content.slug}" is taken by another catalog: choose another short name.`;
    throw new AppError("CONFLICT", message, { slug: [message] });
  }
  return {
    slug: content.slug,
    title: content.title,
    description: content.description,
    groups: content.groups,
    classIds: content.classes.map((slug) => classBySlug.get(slug)!.id),
    items: content.items.map((item) => ({ templateId: usable.get(item.template)!.id, note: item.note })),
  };
}

/** The answer a slug that is unique in the database gives when two saves race for it. */
export function slugTaken(slug: string): AppError {
  const message = `"${slug}" is taken by another catalog: choose another short name.`;
  return new AppError("CONFLICT", message, { slug: [message] });
}

/** A catalog as its editor and the API read it. */
export interface CatalogView {
  slug: string;
  title: string;
  description: string;
  /** The username of the teacher it belongs to; null when that account is gone. */
  owner: string | null;
  classes: { slug: string; title: string; archived: boolean }[];
  groups: string[];
  items: {
    template: string;
    displayName: string;
    note: string;
    /** Not listed in the catalog: students reach it only through catalogs like this one. */
    hidden: boolean;
    /** Base, deleted or invalid since it was added: students no longer see it, and a save leaves it out. */
    unavailable: boolean;
  }[];
  createdAt: Date;
  updatedAt: Date;
}

export function viewOf(row: CatalogRow): CatalogView {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    owner: row.ownerName,
    classes: row.classes.map(({ slug, title, archived }) => ({ slug, title, archived })),
    groups: row.groups,
    items: row.items.map((item) => ({ template: item.name, displayName: item.displayName, note: item.note, hidden: !item.visible, unavailable: item.unavailable })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
