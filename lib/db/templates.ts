import "server-only";
import { AppError } from "@/lib/domain/errors";
import type { TemplateIcon } from "@/lib/domain/catalog";
import type { ConnectionType } from "@/lib/templates/connection";
import type { Settings } from "@/lib/domain/settings";
import { pickTemplateSettings, type TemplateSettings } from "@/lib/domain/template-settings";
import { TemplateError } from "@/lib/templates/errors";
import { composeSpec, MAX_CHAIN, resolveChain, type ComposedSpec, type TemplateLayer } from "@/lib/templates/inheritance";
import { assertParameterSchema } from "@/lib/templates/parameters";
import { specChecksum } from "@/lib/templates/checksum";
import { TEMPLATE_NAME, type VersionSpec } from "@/lib/templates/spec";
import { searchPatterns, type TemplateListFilter } from "@/lib/domain/template-list";
import type { InstancePhase } from "./generated/enums";
import { db, sqlPool, type Prisma } from "./client";
import { SETTINGS_READ, settingsFrom, settingsSql } from "./settings";

/**
 * Templates in the database: the one loader every use case goes through (launch, the launch page, lookups by
 * template name, pools, preview, validation, the admin pages), the row mapping of versions, and the listing
 * queries of the catalog and the admin area.
 *
 * A loaded template carries its latest version, the chain it extends (root first) and the spec composed from
 * that chain, whose `ownerClaim` is the one that counts: a base may set it for every template that extends
 * it. Compositions are cached by version id. Versions are immutable, and saving a base creates a new version
 * of every template that extends it, so a version id stands for one chain; saves clear the cache anyway, so a
 * deleted or restored parent is seen at once in this process.
 */

type Tx = Prisma.TransactionClient;
type VersionRow = Prisma.TemplateVersionGetPayload<object>;

/** The operational fields of a template, edited in place. */
export interface TemplateFields {
  id: string;
  name: string;
  displayName: string;
  description: string;
  icon: TemplateIcon;
  category: string;
  enabled: boolean;
  visible: boolean;
  isBase: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  engine: string;
  method: "on_demand" | "pool";
  poolSize: number;
  poolMaxSize: number;
  poolRecycle: boolean;
  /** Whether teachers may open their students' environments of it (through the class view, audited). */
  teacherAccess: boolean;
  poolFallback: "on_demand" | "refuse";
  ttlSeconds: number;
  ttlExtendSeconds: number;
  ttlMaxExtends: number;
  maxInstancesPerUser: number | null;
  /** How students reach an instance: its URL, or a message rendered at launch from `connectionMessageTemplate`. */
  connectionType: ConnectionType;
  connectionMessageTemplate: string;
  ownerId: string | null;
  /** A base's policy for teachers: whether they may extend it, and the value paths their templates may set. */
  teacherExtensible: boolean;
  teacherValuePaths: string[];
  validationError: string | null;
}

export interface LatestVersion {
  id: string;
  version: number;
  spec: VersionSpec;
  checksum: string;
  baseChecksum: string | null;
}

/** The chain a version extends and the spec composed from it, or why they cannot be had. */
export type Composition = { chain: TemplateLayer[]; composed: ComposedSpec; error: null } | { chain: null; composed: null; error: TemplateError };

export type LoadedTemplate = TemplateFields &
  Composition & {
    latest: LatestVersion;
    /** The settings, read in the same statement: whatever renders or launches needs them. */
    settings: Settings;
  };

export type TemplateRef = { name: string } | { id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The spec of a stored version, in the shape the template code works with. */
export function specOf(row: Pick<VersionRow, "chartType" | "chartRepoUrl" | "chartPath" | "chartName" | "chartRevision" | "valuesTemplate" | "valueFiles" | "parameters" | "ownerClaim" | "connectionUrlTemplate" | "extendsName">): VersionSpec {
  const chart =
    row.chartType === "git"
      ? { type: "git" as const, repoUrl: row.chartRepoUrl, path: row.chartPath ?? "", ...(row.chartRevision && { revision: row.chartRevision }) }
      : { type: row.chartType, repoUrl: row.chartRepoUrl, chart: row.chartName ?? "", ...(row.chartRevision && { revision: row.chartRevision }) };
  return {
    chart,
    valuesTemplate: row.valuesTemplate,
    valueFiles: row.valueFiles,
    parameters: row.parameters,
    ownerClaim: row.ownerClaim,
    ...(row.connectionUrlTemplate && { connectionUrlTemplate: row.connectionUrlTemplate }),
    ...(row.extendsName && { extends: row.extendsName }),
  };
}

/** The columns of a version for a spec, checksum included. */
export function versionColumns(spec: VersionSpec) {
  const chart = spec.chart;
  return {
    chartType: chart.type,
    chartRepoUrl: chart.repoUrl,
    chartPath: chart.type === "git" ? chart.path : null,
    chartName: chart.type === "git" ? null : chart.chart,
    chartRevision: chart.revision ?? null,
    valuesTemplate: spec.valuesTemplate,
    valueFiles: spec.valueFiles,
    parameters: spec.parameters as Prisma.InputJsonValue,
    connectionUrlTemplate: spec.connectionUrlTemplate ?? null,
    ownerClaim: spec.ownerClaim,
    extendsName: spec.extends ?? null,
    checksum: specChecksum(spec),
  };
}

const SPEC_SELECT = `v.chart_type::text AS "chartType", v.chart_repo_url AS "chartRepoUrl", v.chart_path AS "chartPath",
  v.chart_name AS "chartName", v.chart_revision AS "chartRevision", v.values_template AS "valuesTemplate", v.value_files AS "valueFiles",
  v.parameters, v.connection_url_template AS "connectionUrlTemplate", v.owner_claim AS "ownerClaim", v.extends_name AS "extendsName"`;

type SpecRow = Parameters<typeof specOf>[0];
type LoadRow = TemplateFields & { versionId: string; version: number; checksum: string; baseChecksum: string | null; storedSettings: Record<string, unknown> | null };
type Loaded = Composition & { spec: VersionSpec };

const CACHE_LIMIT = 500;
const compositions = new Map<string, Promise<Loaded>>();

const changeListeners: (() => void)[] = [];

/** Registers what else to forget when templates change (caches built from them). */
export function onTemplatesChanged(listener: () => void): void {
  changeListeners.push(listener);
}

/** Forgets every cached composition, and what listeners built from templates; called by whatever changes them. */
export function invalidateTemplateCache(): void {
  compositions.clear();
  for (const listener of changeListeners) listener();
}

/**
 * Loads a live template (not deleted) by name or id, with its latest version, composition and the settings.
 * Base templates load too: callers that launch refuse them. Unknown names are NOT_FOUND. One statement when
 * the version's composition is cached (every launch but the first of a version). Reads on its own
 * connections: call it before taking locks in a transaction, never inside one.
 */
export async function loadTemplate(ref: TemplateRef): Promise<LoadedTemplate> {
  const byName = "name" in ref;
  const key = byName ? ref.name : ref.id;
  if (typeof key !== "string" || (byName ? !TEMPLATE_NAME.test(key) : !UUID.test(key))) throw templateNotFound(key);
  const { rows } = await sqlPool().query<LoadRow>({
    // Named: each connection parses and plans it once (docs/architecture.md, "Data access").
    name: byName ? "envdeck-load-template-by-name" : "envdeck-load-template-by-id",
    text: `SELECT t.id::text, t.name, t.display_name AS "displayName", t.description, t.icon::text, t.category, t.enabled, t.visible,
            t.is_base AS "isBase", t.labels, t.annotations, t.engine, t.method::text, t.pool_size AS "poolSize",
            t.pool_max_size AS "poolMaxSize", t.pool_recycle AS "poolRecycle", t.teacher_access AS "teacherAccess", t.pool_fallback::text AS "poolFallback",
            t.ttl_seconds AS "ttlSeconds", t.ttl_extend_seconds AS "ttlExtendSeconds", t.ttl_max_extends AS "ttlMaxExtends",
            t.max_instances_per_user AS "maxInstancesPerUser", t.connection_type::text AS "connectionType",
            t.connection_message_template AS "connectionMessageTemplate", t.owner_id::text AS "ownerId", t.validation_error AS "validationError",
            t.teacher_extensible AS "teacherExtensible", coalesce(t.teacher_value_paths, '{}') AS "teacherValuePaths",
            v.id::text AS "versionId", v.version, v.checksum, v.base_checksum AS "baseChecksum", ${settingsSql("$2")} AS "storedSettings"
     FROM templates t
     JOIN LATERAL (SELECT id, version, checksum, base_checksum FROM template_versions WHERE template_id = t.id ORDER BY version DESC LIMIT 1) v ON true
     WHERE ${byName ? "t.name = $1" : "t.id = $1::uuid"} AND t.deleted_at IS NULL`,
    values: [key, SETTINGS_READ],
  });
  const row = rows[0];
  if (!row) throw templateNotFound(key);
  const { versionId, version, checksum, baseChecksum, storedSettings, ...fields } = row;
  const { spec, ...composition } = await composeVersion(fields, versionId);
  return {
    ...fields,
    labels: fields.labels ?? {},
    annotations: fields.annotations ?? {},
    latest: { id: versionId, version, checksum, baseChecksum, spec },
    ...composition,
    settings: settingsFrom(storedSettings),
  };
}

function templateNotFound(name: string): AppError {
  return new AppError("NOT_FOUND", `There is no template named "${String(name).slice(0, 80)}".`);
}

/** The leaf spec and composition of a version; concurrent first loads of a version share one. */
type LayerFields = Pick<TemplateFields, "name" | "isBase" | "ownerId" | "teacherExtensible" | "teacherValuePaths">;

function layerOf(template: LayerFields, spec: VersionSpec): TemplateLayer {
  return {
    name: template.name,
    isBase: template.isBase,
    spec,
    ownerId: template.ownerId,
    teacherPolicy: { extensible: template.teacherExtensible, valuePaths: template.teacherValuePaths ?? [] },
  };
}

function composeVersion(template: LayerFields, versionId: string): Promise<Loaded> {
  let loaded = compositions.get(versionId);
  if (!loaded) {
    if (compositions.size >= CACHE_LIMIT) compositions.delete(compositions.keys().next().value!);
    loaded = composeChain(template, versionId);
    compositions.set(versionId, loaded);
    loaded.catch(() => compositions.delete(versionId));
  }
  return loaded;
}

async function composeChain(template: LayerFields, versionId: string): Promise<Loaded> {
  const leaf = await sqlPool().query<SpecRow>(`SELECT ${SPEC_SELECT} FROM template_versions v WHERE v.id = $1::uuid`, [versionId]);
  const spec = specOf(leaf.rows[0]!);
  // Walk the chain upwards by name, loading only the templates it names; resolveChain reports what is wrong.
  const layers = new Map<string, TemplateLayer>([[template.name, layerOf(template, spec)]]);
  let next = spec.extends;
  while (next && !layers.has(next) && layers.size <= MAX_CHAIN) {
    const { rows } = await sqlPool().query<SpecRow & Omit<LayerFields, "name">>(
      `SELECT t.is_base AS "isBase", t.owner_id::text AS "ownerId", t.teacher_extensible AS "teacherExtensible",
              coalesce(t.teacher_value_paths, '{}') AS "teacherValuePaths", ${SPEC_SELECT} FROM templates t
       JOIN LATERAL (SELECT * FROM template_versions WHERE template_id = t.id ORDER BY version DESC LIMIT 1) v ON true
       WHERE t.name = $1 AND t.deleted_at IS NULL`,
      [next],
    );
    if (!rows[0]) break;
    const parentSpec = specOf(rows[0]);
    layers.set(next, layerOf({ ...rows[0], name: next }, parentSpec));
    next = parentSpec.extends;
  }
  try {
    const chain = resolveChain(template.name, (n) => layers.get(n));
    const composed = composeSpec(chain);
    assertParameterSchema(composed.parameters);
    return { spec, chain, composed, error: null };
  } catch (error) {
    if (error instanceof TemplateError) return { spec, chain: null, composed: null, error };
    throw error;
  }
}

/** A template as the inheritance code sees it, plus what saving needs to know about its latest version. */
export interface LibraryEntry extends TemplateLayer {
  id: string;
  method: "on_demand" | "pool";
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  connectionType?: ConnectionType;
  connectionMessageTemplate?: string;
  version: number;
  checksum: string;
  baseChecksum: string | null;
}

/**
 * Every live template with its latest version, by name, read inside `tx`: saves see the whole library at
 * once, under the save lock, to find and re-version every template that extends the one saved.
 */
export async function loadLibrary(tx: Tx): Promise<Map<string, LibraryEntry>> {
  const templates = await tx.template.findMany({
    where: { deletedAt: null },
    include: { versions: { orderBy: { version: "desc" }, take: 1 } },
  });
  const library = new Map<string, LibraryEntry>();
  for (const t of templates) {
    const latest = t.versions[0];
    if (!latest) continue;
    library.set(t.name, {
      id: t.id,
      ...layerOf(t, specOf(latest)),
      method: t.method,
      labels: t.labels as Record<string, string>,
      annotations: t.annotations as Record<string, string>,
      connectionType: t.connectionType,
      connectionMessageTemplate: t.connectionMessageTemplate,
      version: latest.version,
      checksum: latest.checksum,
      baseChecksum: latest.baseChecksum,
    });
  }
  return library;
}

export interface VersionSummary {
  version: number;
  checksum: string;
  message: string;
  author: string;
  createdAt: Date;
}

/** The versions of a template, newest first. */
export async function listVersionSummaries(templateId: string): Promise<VersionSummary[]> {
  const rows = await db().templateVersion.findMany({
    where: { templateId },
    orderBy: { version: "desc" },
    include: { author: { select: { username: true } } },
  });
  return rows.map((r) => ({ version: r.version, checksum: r.checksum, message: r.message, author: r.author?.username ?? "system", createdAt: r.createdAt }));
}

/** One version's spec, or null when the template has no such version. */
export async function findVersionSpec(templateId: string, version: number): Promise<VersionSpec | null> {
  const row = await db().templateVersion.findUnique({ where: { templateId_version: { templateId, version } } });
  return row ? specOf(row) : null;
}

/** Records the outcome of validating a template: the reason it is broken, or null. */
export async function recordValidation(templateId: string, error: string | null): Promise<void> {
  await db().template.update({ where: { id: templateId }, data: { validationError: error } });
}

/**
 * A template's settings and latest version id, read in `tx` with its row locked until the transaction ends, so
 * a settings save compares and writes one consistent state. Null when the template is gone.
 */
export async function lockTemplateSettings(tx: Tx, templateId: string): Promise<{ settings: TemplateSettings; latestVersionId: string | null } | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM templates WHERE id = ${templateId}::uuid AND deleted_at IS NULL FOR UPDATE`;
  if (locked.length === 0) return null;
  const row = await tx.template.findUniqueOrThrow({
    where: { id: templateId },
    include: { versions: { orderBy: { version: "desc" }, take: 1, select: { id: true } } },
  });
  const settings = pickTemplateSettings({ ...row, labels: (row.labels ?? {}) as Record<string, string>, annotations: (row.annotations ?? {}) as Record<string, string> });
  return { settings, latestVersionId: row.versions[0]?.id ?? null };
}

/** Writes changed settings of a template, in the caller's transaction. */
export async function writeTemplateSettings(tx: Tx, templateId: string, change: Partial<TemplateSettings>): Promise<void> {
  await tx.template.update({ where: { id: templateId }, data: change });
}

/** Every category in use (`cat` or `cat,subcat`), once each, sorted. */
export async function listCategoryValues(): Promise<string[]> {
  const rows = await db().template.findMany({
    where: { deletedAt: null, category: { not: "" } },
    distinct: ["category"],
    select: { category: true },
    orderBy: { category: "asc" },
  });
  return rows.map((row) => row.category);
}

/** How many teachers' catalogs list a template: their audiences see it even when it is hidden. */
export function countCatalogsListing(templateId: string): Promise<number> {
  return db().catalogItem.count({ where: { templateId, catalog: { deletedAt: null } } });
}

/** A template row of the student catalog, with the pool members free to claim right now. */
export type CatalogTemplateRow = Pick<
  TemplateFields,
  "id" | "name" | "displayName" | "description" | "icon" | "category" | "enabled" | "visible" | "ttlSeconds" | "method"
> & { warm: number };

/** Who a student catalog is for: their identity-provider groups and the classes they are a member of. */
export interface CatalogAudience {
  groups: string[];
  classIds: string[];
}

/** The SQL condition "catalog `c` is for the audience in $1 (groups) and $2 (class ids)". */
const FOR_AUDIENCE = `(c.audience_groups && $1::text[] OR EXISTS (SELECT 1 FROM catalog_classes cc WHERE cc.catalog_id = c.id AND cc.class_id = ANY($2::uuid[])))`;

/**
 * The templates a student of `audience` may see: visible system ones, hidden ones in a teacher's catalog for
 * one of their groups or classes, class templates in a catalog for one of their classes (or among `alsoIds`:
 * a catalog being previewed); never base, deleted or invalid ones. With the pool members free to claim right now.
 */
export async function listCatalogTemplates(audience: CatalogAudience, alsoIds: string[] = []): Promise<CatalogTemplateRow[]> {
  const { rows } = await sqlPool().query<CatalogTemplateRow>(
    `SELECT t.id::text, t.name, t.display_name AS "displayName", t.description, t.icon::text, t.category, t.enabled,
            t.visible, t.ttl_seconds AS "ttlSeconds", t.method::text,
            CASE WHEN t.method = 'pool' THEN (SELECT count(*)::int FROM instances i
              WHERE i.template_id = t.id AND i.phase = 'Available' AND i.owner_key IS NULL AND i.deleted_at IS NULL) ELSE 0 END AS warm
     FROM templates t
     WHERE NOT t.is_base AND t.deleted_at IS NULL AND t.validation_error IS NULL
       AND (t.id = ANY($3::uuid[])
            OR (t.owner_id IS NULL AND (t.visible OR EXISTS (SELECT 1 FROM catalog_items ci JOIN catalogs c ON c.id = ci.catalog_id
                WHERE ci.template_id = t.id AND c.deleted_at IS NULL AND ${FOR_AUDIENCE})))
            -- A class template is never listed for everyone: only through a catalog for one of the student's classes.
            OR (t.owner_id IS NOT NULL AND EXISTS (SELECT 1 FROM catalog_items ci JOIN catalogs c ON c.id = ci.catalog_id
                JOIN catalog_classes cc ON cc.catalog_id = c.id
                WHERE ci.template_id = t.id AND c.deleted_at IS NULL AND cc.class_id = ANY($2::uuid[]))))
     ORDER BY t.display_name, t.name`,
    [audience.groups, audience.classIds, alsoIds],
  );
  return rows;
}

/** A teacher catalog as its audience reads it: template ids in the teacher's order, with each one's note. */
export interface AudienceCatalog {
  slug: string;
  title: string;
  description: string;
  templateIds: string[];
  notes: string[];
}

/** Teacher catalogs for an audience (its groups or classes), each with its template ids and notes in the teacher's order. */
export async function listAudienceCatalogs(audience: CatalogAudience): Promise<AudienceCatalog[]> {
  if (audience.groups.length === 0 && audience.classIds.length === 0) return [];
  const { rows } = await sqlPool().query<AudienceCatalog>(
    `SELECT c.slug, c.title, c.description,
            array_agg(ci.template_id::text ORDER BY ci.position, ci.template_id) AS "templateIds",
            array_agg(ci.note ORDER BY ci.position, ci.template_id) AS notes
     FROM catalogs c JOIN catalog_items ci ON ci.catalog_id = c.id
     WHERE c.deleted_at IS NULL AND ${FOR_AUDIENCE}
     GROUP BY c.id ORDER BY c.title, c.slug`,
    [audience.groups, audience.classIds],
  );
  return rows;
}

/** Templates that set a quota of their own, among those a student can launch: the exceptions to the default. */
export async function listQuotaOverrides(): Promise<{ name: string; displayName: string; limit: number }[]> {
  const rows = await db().template.findMany({
    where: { deletedAt: null, isBase: false, maxInstancesPerUser: { not: null } },
    orderBy: { displayName: "asc" },
    select: { name: true, displayName: true, maxInstancesPerUser: true },
  });
  return rows.map((r) => ({ name: r.name, displayName: r.displayName, limit: r.maxInstancesPerUser! }));
}

/** A template's line in the admin's list of templates, with its environments and pool members. */
export interface AdminTemplateRow {
  name: string;
  displayName: string;
  category: string;
  method: "on_demand" | "pool";
  enabled: boolean;
  visible: boolean;
  isBase: boolean;
  /** null: a system template (admins'); otherwise a teacher's class template. */
  ownerName: string | null;
  isSystem: boolean;
  validationError: string | null;
  version: number;
  deletedAt: Date | null;
  /** Live environments someone uses (claimed pool members included). */
  live: number;
  /** Pool members: warm and free, claimed, and all of them (warming ones included). */
  poolAvailable: number;
  poolClaimed: number;
  poolTotal: number;
}

/** At most this many rows are listed; the page says so when there are more. */
export const ADMIN_LIST_LIMIT = 500;

/**
 * The admin's list of templates for a filter (lib/domain/template-list.ts), by display name, at most
 * ADMIN_LIST_LIMIT + 1 rows (the extra one tells the caller there are more). One statement.
 */
export async function listAdminTemplates(filter: TemplateListFilter): Promise<AdminTemplateRow[]> {
  const where: string[] = [filter.deleted ? "t.deleted_at IS NOT NULL" : "t.deleted_at IS NULL"];
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  for (const pattern of searchPatterns(filter.query)) {
    const p = param(pattern);
    where.push(`(t.name ILIKE ${p} OR t.display_name ILIKE ${p} OR t.description ILIKE ${p} OR t.category ILIKE ${p})`);
  }
  if (filter.state === "invalid") where.push("t.validation_error IS NOT NULL");
  if (filter.state === "base") where.push("t.is_base");
  if (filter.state === "enabled") where.push("t.enabled AND NOT t.is_base AND t.validation_error IS NULL");
  if (filter.state === "disabled") where.push("NOT t.enabled AND NOT t.is_base AND t.validation_error IS NULL");
  if (filter.method) where.push(`t.method = ${param(filter.method)}::"LaunchMethod"`);
  if (filter.category !== null) where.push(`btrim(split_part(t.category, ',', 1)) = ${param(filter.category)}`);
  if (filter.owner === "system") where.push("t.owner_id IS NULL");
  if (filter.owner === "class") where.push("t.owner_id IS NOT NULL");
  const { rows } = await sqlPool().query<AdminTemplateRow>(
    `SELECT t.name, t.display_name AS "displayName", t.category, t.method::text AS method, t.enabled, t.visible, t.is_base AS "isBase",
            u.username AS "ownerName", t.owner_id IS NULL AS "isSystem", t.validation_error AS "validationError", v.version,
            t.deleted_at AS "deletedAt",
            coalesce(c.live, 0)::int AS live, coalesce(c.available, 0)::int AS "poolAvailable",
            coalesce(c.claimed, 0)::int AS "poolClaimed", coalesce(c.members, 0)::int AS "poolTotal"
     FROM templates t
     LEFT JOIN users u ON u.id = t.owner_id
     JOIN LATERAL (SELECT version FROM template_versions WHERE template_id = t.id ORDER BY version DESC LIMIT 1) v ON true
     LEFT JOIN LATERAL (
       SELECT count(*) FILTER (WHERE i.owner_key IS NOT NULL) AS live,
              count(*) FILTER (WHERE i.pooled AND i.owner_key IS NULL AND i.phase = 'Available') AS available,
              count(*) FILTER (WHERE i.pooled AND i.owner_key IS NOT NULL) AS claimed,
              count(*) FILTER (WHERE i.pooled) AS members
       FROM instances i WHERE i.template_id = t.id AND i.deleted_at IS NULL AND i.phase <> 'Expiring'
     ) c ON true
     WHERE ${where.join(" AND ")}
     ORDER BY lower(t.display_name), t.name
     LIMIT ${ADMIN_LIST_LIMIT + 1}`,
    values,
  );
  return rows;
}

/** How many templates there are, live and deleted, and the main categories of the live ones (for the filters). */
export async function countTemplates(): Promise<{ live: number; deleted: number; categories: string[] }> {
  const { rows } = await sqlPool().query<{ live: number; deleted: number; categories: string[] | null }>(
    `SELECT count(*) FILTER (WHERE deleted_at IS NULL)::int AS live, count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS deleted,
            array_agg(DISTINCT btrim(split_part(category, ',', 1))) FILTER (WHERE deleted_at IS NULL) AS categories
     FROM templates`,
  );
  const row = rows[0]!;
  return { live: row.live, deleted: row.deleted, categories: (row.categories ?? []).sort((a, b) => a.localeCompare(b)) };
}

/**
 * A template's row by name, locked for the rest of `tx`: the live one, or with `deleted` the most recently
 * deleted one; null when there is none.
 */
export async function lockTemplateByName(
  tx: Tx,
  name: string,
  options: { deleted: boolean },
): Promise<{ id: string; name: string; displayName: string; method: "on_demand" | "pool"; deletedAt: Date | null } | null> {
  const rows = await tx.$queryRaw<{ id: string; name: string; displayName: string; method: "on_demand" | "pool"; deletedAt: Date | null }[]>`
    SELECT id::text, name, display_name AS "displayName", method::text AS method, deleted_at AS "deletedAt"
    FROM templates WHERE name = ${name} AND (deleted_at IS NOT NULL) = ${options.deleted}
    ORDER BY deleted_at DESC NULLS FIRST LIMIT 1 FOR UPDATE`;
  return rows[0] ?? null;
}

/** Whether any template, deleted ones included, has this name: names are never reused. */
export async function isTemplateNameTaken(name: string, tx: Pick<Tx, "template"> = db()): Promise<{ taken: boolean; deleted: boolean }> {
  const row = await tx.template.findUnique({ where: { name }, select: { deletedAt: true } });
  return { taken: row !== null, deleted: row?.deletedAt != null };
}

/** Names of the live templates whose latest version extends `name`. */
export async function listTemplatesExtending(tx: Tx, name: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ name: string }[]>`
    SELECT t.name FROM templates t
    JOIN LATERAL (SELECT extends_name FROM template_versions WHERE template_id = t.id ORDER BY version DESC LIMIT 1) v ON true
    WHERE t.deleted_at IS NULL AND v.extends_name = ${name}
    ORDER BY t.name`;
  return rows.map((r) => r.name);
}

/** A live instance of a template, as deleting the template sees it. */
export interface TemplateInstance {
  id: string;
  uuid: string;
  phase: InstancePhase;
  ownerKey: string | null;
  expiresAt: Date | null;
}

/** The instances of a template that are not being torn down; locked for the rest of `tx` when `lock`. */
export async function listTemplateInstances(tx: Tx, templateId: string, options: { lock: boolean }): Promise<TemplateInstance[]> {
  return tx.$queryRawUnsafe<TemplateInstance[]>(
    `SELECT id::text, uuid, phase::text AS phase, owner_key AS "ownerKey", expires_at AS "expiresAt"
     FROM instances WHERE template_id = $1::uuid AND deleted_at IS NULL AND phase <> 'Expiring'
     ORDER BY created_at${options.lock ? " FOR UPDATE" : ""}`,
    templateId,
  );
}

/** Marks a template deleted (`at`) or live again (null). */
export async function setTemplateDeleted(tx: Tx, templateId: string, at: Date | null): Promise<void> {
  await tx.template.update({ where: { id: templateId }, data: { deletedAt: at } });
}
