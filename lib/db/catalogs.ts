import "server-only";
import type { CatalogContent } from "@/lib/domain/catalog-rules";
import { db, type Prisma } from "./client";

type Tx = Prisma.TransactionClient;

/**
 * Teachers' catalogs as their editors read and write them. Every query takes the scope it is given: an
 * `ownerId` limits it to that teacher's catalogs, null means every catalog (an admin's reach, decided by the
 * use case). The student's side reads catalogs in lib/db/templates.ts (`listAudienceCatalogs`).
 */

/** A class as a catalog's audience shows it. */
export interface CatalogClassRef {
  id: string;
  slug: string;
  title: string;
  archived: boolean;
}

/** A template in a catalog, with what decides whether students still see it. */
export interface CatalogItemRow {
  templateId: string;
  name: string;
  displayName: string;
  note: string;
  visible: boolean;
  /** Base, deleted or invalid: students no longer see it, and a save leaves it out. */
  unavailable: boolean;
  ownerId: string | null;
}

export interface CatalogRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  ownerId: string | null;
  ownerName: string | null;
  groups: string[];
  classes: CatalogClassRef[];
  items: CatalogItemRow[];
  createdAt: Date;
  updatedAt: Date;
}

const catalogSelect = {
  id: true,
  slug: true,
  title: true,
  description: true,
  ownerId: true,
  audienceGroups: true,
  createdAt: true,
  updatedAt: true,
  owner: { select: { username: true } },
  classes: { select: { class: { select: { id: true, slug: true, title: true, archivedAt: true } } } },
  items: {
    orderBy: [{ position: "asc" }, { templateId: "asc" }],
    select: {
      note: true,
      template: { select: { id: true, name: true, displayName: true, visible: true, isBase: true, deletedAt: true, validationError: true, ownerId: true } },
    },
  },
} satisfies Prisma.CatalogSelect;

type SelectedCatalog = Prisma.CatalogGetPayload<{ select: typeof catalogSelect }>;

function toRow(c: SelectedCatalog): CatalogRow {
  return {
    id: c.id,
    slug: c.slug,
    title: c.title,
    description: c.description,
    ownerId: c.ownerId,
    ownerName: c.owner?.username ?? null,
    groups: c.audienceGroups,
    classes: c.classes
      .map(({ class: k }) => ({ id: k.id, slug: k.slug, title: k.title, archived: k.archivedAt !== null }))
      .sort((a, b) => a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug)),
    items: c.items.map(({ note, template: t }) => ({
      templateId: t.id,
      name: t.name,
      displayName: t.displayName,
      note,
      visible: t.visible,
      unavailable: t.isBase || t.deletedAt !== null || t.validationError !== null,
      ownerId: t.ownerId,
    })),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** Live catalogs in scope, by title. */
export async function listCatalogRows(scope: { ownerId: string | null }): Promise<CatalogRow[]> {
  const rows = await db().catalog.findMany({
    where: { deletedAt: null, ...(scope.ownerId ? { ownerId: scope.ownerId } : {}) },
    orderBy: [{ title: "asc" }, { slug: "asc" }],
    select: catalogSelect,
  });
  return rows.map(toRow);
}

/**
 * One live catalog in scope by its slug, or null (someone else's is null too). Read in three statements one
 * after the other rather than one nested select: inside a transaction there is one connection, and Prisma
 * would send a nested select's parts on it at once.
 */
export async function findCatalogRow(slug: string, scope: { ownerId: string | null }, tx: Pick<Tx, "catalog" | "catalogClass" | "catalogItem"> = db()): Promise<CatalogRow | null> {
  const { classes: _c, items: _i, ...own } = catalogSelect;
  const row = await tx.catalog.findFirst({ where: { slug, deletedAt: null, ...(scope.ownerId ? { ownerId: scope.ownerId } : {}) }, select: own });
  if (!row) return null;
  const classes = await tx.catalogClass.findMany({ where: { catalogId: row.id }, select: catalogSelect.classes.select });
  const items = await tx.catalogItem.findMany({ where: { catalogId: row.id }, orderBy: catalogSelect.items.orderBy, select: catalogSelect.items.select });
  return toRow({ ...row, classes, items });
}

/** Locks a live catalog in scope for the rest of `tx` (a save or delete reads and writes one state), and reads it. */
export async function lockCatalogRow(tx: Tx, slug: string, scope: { ownerId: string | null }): Promise<CatalogRow | null> {
  const locked = scope.ownerId
    ? await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM catalogs WHERE slug = ${slug} AND deleted_at IS NULL AND owner_id = ${scope.ownerId}::uuid FOR UPDATE`
    : await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM catalogs WHERE slug = ${slug} AND deleted_at IS NULL FOR UPDATE`;
  if (locked.length === 0) return null;
  return findCatalogRow(slug, scope, tx);
}

/** Whether a slug is used by any catalog, deleted ones included (a slug is never reused), other than `exceptId`. */
export async function isCatalogSlugTaken(tx: Pick<Tx, "catalog">, slug: string, exceptId: string | null): Promise<{ taken: boolean; deleted: boolean }> {
  const row = await tx.catalog.findUnique({ where: { slug }, select: { id: true, deletedAt: true } });
  if (!row || row.id === exceptId) return { taken: false, deleted: false };
  return { taken: true, deleted: row.deletedAt !== null };
}

/** A template a catalog may list: not base, not deleted, valid. */
export interface UsableTemplate {
  id: string;
  name: string;
  displayName: string;
  description: string;
  category: string;
  visible: boolean;
  /** null: a system template; otherwise the teacher's own class template. */
  ownerId: string | null;
}

/**
 * The templates `userId` may put in a catalog: every system template that is not base, deleted or invalid
 * (hidden ones too: a catalog is how students reach them) and the class templates they own; with
 * `userId` null (an admin), every such template whoever owns it. By display name.
 */
export async function listUsableTemplates(scope: { userId: string | null }, tx: Pick<Tx, "template"> = db(), names?: string[]): Promise<UsableTemplate[]> {
  return tx.template.findMany({
    where: {
      isBase: false,
      deletedAt: null,
      validationError: null,
      ...(scope.userId ? { OR: [{ ownerId: null }, { ownerId: scope.userId }] } : {}),
      ...(names ? { name: { in: names } } : {}),
    },
    orderBy: [{ displayName: "asc" }, { name: "asc" }],
    select: { id: true, name: true, displayName: true, description: true, category: true, visible: true, ownerId: true },
  });
}

/** The classes `userId` teaches (null: every class), archived ones included, by title. */
export async function listTaughtClasses(scope: { userId: string | null }, tx: Pick<Tx, "class"> = db(), slugs?: string[]): Promise<CatalogClassRef[]> {
  const rows = await tx.class.findMany({
    where: { ...(scope.userId ? { teachers: { some: { userId: scope.userId } } } : {}), ...(slugs ? { slug: { in: slugs } } : {}) },
    orderBy: [{ title: "asc" }, { slug: "asc" }],
    select: { id: true, slug: true, title: true, archivedAt: true },
  });
  return rows.map((k) => ({ id: k.id, slug: k.slug, title: k.title, archived: k.archivedAt !== null }));
}

/** A catalog's content with its classes and templates resolved to ids, in the order to save. */
export interface ResolvedCatalog {
  slug: string;
  title: string;
  description: string;
  groups: string[];
  classIds: string[];
  items: { templateId: string; note: string }[];
}

/**
 * Writes a catalog in `tx`: a new one owned by `ownerId` (`id` null), or every field of an existing one, its
 * audience classes and items replaced as a whole (positions 0, 1, 2 … in the order given).
 */
export async function writeCatalog(tx: Tx, id: string | null, ownerId: string | null, catalog: ResolvedCatalog): Promise<string> {
  const fields = { slug: catalog.slug, title: catalog.title, description: catalog.description, audienceGroups: catalog.groups };
  const catalogId = id
    ? (await tx.catalog.update({ where: { id }, data: fields, select: { id: true } })).id
    : (await tx.catalog.create({ data: { ...fields, ownerId }, select: { id: true } })).id;
  if (id) {
    await tx.catalogItem.deleteMany({ where: { catalogId } });
    await tx.catalogClass.deleteMany({ where: { catalogId } });
  }
  if (catalog.items.length) await tx.catalogItem.createMany({ data: catalog.items.map((item, position) => ({ catalogId, templateId: item.templateId, note: item.note, position })) });
  if (catalog.classIds.length) await tx.catalogClass.createMany({ data: catalog.classIds.map((classId) => ({ catalogId, classId })) });
  return catalogId;
}

/** Soft-deletes a catalog: students stop seeing it at once; its slug stays taken. */
export async function markCatalogDeleted(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.catalog.update({ where: { id }, data: { deletedAt: at } });
}

/** A catalog row as saved and audited: classes and templates by name, items in order. */
export function contentOfRow(row: CatalogRow): CatalogContent {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    classes: row.classes.map((k) => k.slug),
    groups: row.groups,
    items: row.items.map((item) => ({ template: item.name, note: item.note })),
  };
}

/** A class's bound identity-provider groups, for previewing what its members see. */
export async function findClassForPreview(slug: string, scope: { userId: string | null }): Promise<{ id: string; slug: string; title: string; groups: string[] } | null> {
  return db().class.findFirst({
    where: { slug, ...(scope.userId ? { teachers: { some: { userId: scope.userId } } } : {}) },
    select: { id: true, slug: true, title: true, groups: true },
  });
}
