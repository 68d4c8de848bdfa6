import "server-only";
import { createTwoFilesPatch } from "diff";
import { stringify as toYaml } from "yaml";
import { db, type Prisma } from "@/lib/db/client";
import { LOCKS } from "@/lib/db/coordination";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { canonicalJson, specChecksum } from "@/lib/templates/checksum";
import { renderChain, validateChain } from "@/lib/templates/compose";
import { buildRenderContext } from "@/lib/templates/context";
import { TemplateError, formatIssue } from "@/lib/templates/errors";
import { composeSpec, resolveChain, type TemplateLayer } from "@/lib/templates/inheritance";
import { assertParameterSchema, describeParameters, validateParameters, type ParameterField } from "@/lib/templates/parameters";
import { TEMPLATE_NAME, versionSpecSchema, type VersionSpec } from "@/lib/templates/spec";
import { createHash } from "node:crypto";

type Tx = Prisma.TransactionClient;
type VersionRow = Prisma.TemplateVersionGetPayload<object>;

export type { VersionSpec };

/** The spec of a stored version, in the shape the template code works with. */
export function specOf(row: VersionRow): VersionSpec {
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

function versionColumns(spec: VersionSpec) {
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

/** Turns template problems into an INVALID_INPUT error whose fields name what to fix. */
export function asInvalidInput(error: unknown): never {
  if (error instanceof TemplateError) {
    const fields: Record<string, string[]> = {};
    for (const issue of error.issues) (fields[issue.path] ??= []).push(formatIssue({ ...issue, path: "" }));
    throw new AppError("INVALID_INPUT", error.message, fields);
  }
  throw error;
}

interface LibraryEntry extends TemplateLayer {
  id: string;
  method: "on_demand" | "pool";
  version: number;
  checksum: string;
  baseChecksum: string | null;
}

/** Every live template with its latest version, by name: the lookup for inheritance chains. */
async function loadLibrary(tx: Tx): Promise<Map<string, LibraryEntry>> {
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
      name: t.name,
      isBase: t.isBase,
      method: t.method,
      spec: specOf(latest),
      version: latest.version,
      checksum: latest.checksum,
      baseChecksum: latest.baseChecksum,
    });
  }
  return library;
}

/** Identifies the parents a version was built on: their spec checksums, root first. */
function chainChecksum(chain: TemplateLayer[]): string | null {
  const parents = chain.slice(0, -1);
  if (parents.length === 0) return null;
  return createHash("sha256")
    .update(canonicalJson(parents.map((p) => ({ name: p.name, checksum: specChecksum(p.spec) }))))
    .digest("hex");
}

/** Parses a spec's shape and limits, or throws INVALID_INPUT naming each field. */
function parseSpec(input: unknown): VersionSpec {
  const parsed = versionSpecSchema.safeParse(input);
  if (!parsed.success) {
    asInvalidInput(
      new TemplateError(
        "schema",
        parsed.error.issues.map((issue) => ({ path: issue.path.join(".") || "spec", message: issue.message })),
      ),
    );
  }
  return parsed.data;
}

async function audit(tx: Tx, actor: Identity | null, action: string, objectId: string, before: unknown, after: unknown) {
  await tx.auditEvent.create({
    data: {
      actorId: actor?.userId ?? null,
      actorName: actor?.username ?? "system",
      action,
      objectType: "template",
      objectId,
      before: (before ?? undefined) as Prisma.InputJsonValue | undefined,
      after: (after ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}

export interface SaveResult {
  created: boolean;
  version: number;
  /** Templates that extend this one and were re-versioned with it. */
  cascaded: { name: string; version: number }[];
}

/**
 * Saves a new deployable spec for a template: validated in full (schema, syntax, variables, a synthetic
 * render, and every template that extends it), then stored as version n+1 with its checksum. An unchanged
 * spec creates no version. Templates that extend this one get a new version too, built on the new base.
 */
export async function saveTemplateSpec(identity: Identity | null, name: string, input: unknown, message = ""): Promise<SaveResult> {
  assertCan(identity, "template:edit");
  const spec = parseSpec(input);
  if (message.length > 500) throw new AppError("INVALID_INPUT", "The change message is at most 500 characters.");
  return db().$transaction(async (tx) => {
    // One save at a time per portal: version numbers and cascades must not interleave.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateSave}::int)`;
    const library = await loadLibrary(tx);
    const current = library.get(name);
    if (!current) throw new AppError("NOT_FOUND", `There is no template named "${name}".`);
    library.set(name, { ...current, spec });

    const affected = [...library.values()].filter((entry) => {
      try {
        return resolveChain(entry.name, (n) => library.get(n)).some((layer) => layer.name === name);
      } catch {
        return entry.name === name;
      }
    });
    const created: { name: string; version: number }[] = [];
    for (const entry of affected) {
      let chain: TemplateLayer[];
      try {
        chain = resolveChain(entry.name, (n) => library.get(n));
        await validateChain(chain, entry.method);
      } catch (error) {
        if (entry.name !== name && error instanceof TemplateError) {
          throw new AppError("INVALID_INPUT", `This change would break "${entry.name}", which extends it: ${error.message}`);
        }
        return asInvalidInput(error);
      }
      const checksum = specChecksum(entry.spec);
      const baseChecksum = chainChecksum(chain);
      if (checksum === entry.checksum && baseChecksum === entry.baseChecksum) continue;
      const version = entry.version + 1;
      await tx.templateVersion.create({
        data: {
          templateId: entry.id,
          version,
          authorId: identity.userId,
          message: entry.name === name ? message : `Rebuilt on ${name} v${library.get(name)!.version + 1}`,
          baseChecksum,
          ...versionColumns(entry.spec),
        },
      });
      await tx.template.update({ where: { id: entry.id }, data: { validationError: null } });
      const before = entry.name === name ? current.spec : entry.spec;
      await audit(tx, identity, "template.version", entry.id, { version: entry.version, spec: before }, { version, spec: entry.spec });
      created.push({ name: entry.name, version });
    }
    const own = created.find((c) => c.name === name);
    return { created: own !== undefined, version: own?.version ?? current.version, cascaded: created.filter((c) => c.name !== name) };
  });
}

export interface VersionSummary {
  version: number;
  checksum: string;
  message: string;
  author: string;
  createdAt: Date;
}

async function templateByName(tx: Tx, name: string) {
  const template = await tx.template.findFirst({ where: { name, deletedAt: null } });
  if (!template) throw new AppError("NOT_FOUND", `There is no template named "${name}".`);
  return template;
}

/** The version history of a template, newest first. */
export async function listVersions(identity: Identity | null, name: string): Promise<VersionSummary[]> {
  assertCan(identity, "template:edit");
  return versionHistory((await templateByName(db(), name)).id);
}

async function versionHistory(templateId: string): Promise<VersionSummary[]> {
  const rows = await db().templateVersion.findMany({
    where: { templateId },
    orderBy: { version: "desc" },
    include: { author: { select: { username: true } } },
  });
  return rows.map((r) => ({ version: r.version, checksum: r.checksum, message: r.message, author: r.author?.username ?? "system", createdAt: r.createdAt }));
}

async function versionSpec(tx: Tx, templateId: string, version: number, name: string): Promise<VersionSpec> {
  const row = await tx.templateVersion.findUnique({ where: { templateId_version: { templateId, version } } });
  if (!row) throw new AppError("NOT_FOUND", `Template "${name}" has no version ${version}.`);
  return specOf(row);
}

/** A readable form of a spec, stable across key order, for diffs. */
function specText(spec: VersionSpec): string {
  return toYaml(JSON.parse(canonicalJson(spec)), { lineWidth: 0 });
}

/** A unified diff between two versions of a template. */
export async function diffVersions(identity: Identity | null, name: string, from: number, to: number): Promise<string> {
  assertCan(identity, "template:edit");
  if (![from, to].every((v) => Number.isSafeInteger(v) && v >= 1)) throw new AppError("INVALID_INPUT", "Versions are whole numbers from 1.");
  const template = await templateByName(db(), name);
  const [a, b] = await Promise.all([versionSpec(db(), template.id, from, name), versionSpec(db(), template.id, to, name)]);
  return createTwoFilesPatch(`${name} v${from}`, `${name} v${to}`, specText(a), specText(b), "", "", { context: 3 });
}

/** Rolls back by saving an old version's spec as a new version (history is never rewritten). */
export async function rollbackTemplate(identity: Identity | null, name: string, version: number): Promise<SaveResult> {
  assertCan(identity, "template:edit");
  if (!Number.isSafeInteger(version) || version < 1) throw new AppError("INVALID_INPUT", "Versions are whole numbers from 1.");
  const template = await templateByName(db(), name);
  const spec = await versionSpec(db(), template.id, version, name);
  return saveTemplateSpec(identity, name, spec, `Rolled back to v${version}`);
}

export interface TemplatePreview {
  version: number;
  parameters: ParameterField[];
  params: Record<string, unknown>;
  values: Record<string, unknown>;
  valuesYaml: string;
}

/**
 * Renders a template's final values for the caller and the given parameters without launching anything:
 * the same path as a launch, with a preview instance id.
 */
export async function previewTemplate(identity: Identity | null, name: string, params: unknown): Promise<TemplatePreview> {
  assertCan(identity, "template:edit");
  const library = await loadLibrary(db());
  const entry = library.get(name);
  if (!entry) throw new AppError("NOT_FOUND", `There is no template named "${name}".`);
  try {
    const chain = resolveChain(name, (n) => library.get(n));
    const composed = composeSpec(chain);
    assertParameterSchema(composed.parameters);
    const values = validateParameters(composed.parameters, params);
    const pool = entry.method === "pool";
    const host = `${name}-preview0.preview.invalid`;
    const context = buildRenderContext({
      owner: pool ? null : identity.username,
      uuid: "preview0",
      host,
      url: `https://${host}`,
      namespace: `${pool ? "pool" : identity.username}-${name}-preview0`.slice(0, 63),
      template: { name, version: entry.version, displayName: name },
      parameterNames: describeParameters(composed.parameters).map((f) => f.name),
      params: pool ? {} : values,
      exposedClaims: Object.keys(identity.claims),
      claims: pool ? {} : identity.claims,
      configValues: {},
    });
    const rendered = await renderChain(composed, context, {
      user: { name: identity.username, groups: identity.groups, email: identity.email ?? "" },
      workspace: { name: `${name}-preview0`, namespace: context.namespace, uuid: "preview0" },
      metadata: { labels: {}, annotations: {} },
      template: { name, version: entry.version },
    });
    return { version: entry.version, parameters: describeParameters(composed.parameters), params: values, values: rendered, valuesYaml: toYaml(rendered) };
  } catch (error) {
    return asInvalidInput(error);
  }
}

/**
 * Validates every template against a synthetic scope (at start-up, and whenever asked) and records the
 * outcome: a broken template is reported and left out of the catalog instead of breaking it.
 */
export async function validateAllTemplates(): Promise<{ name: string; error: string | null }[]> {
  const library = await loadLibrary(db());
  const results: { name: string; error: string | null }[] = [];
  for (const entry of library.values()) {
    let error: string | null = null;
    try {
      await validateChain(
        resolveChain(entry.name, (n) => library.get(n)),
        entry.method,
      );
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      error = e.message.slice(0, 4000);
    }
    await db().template.update({ where: { id: entry.id }, data: { validationError: error } });
    results.push({ name: entry.name, error });
  }
  return results;
}

export interface NewTemplate {
  name: string;
  displayName: string;
  description?: string;
  icon?: Prisma.TemplateCreateInput["icon"];
  category?: string;
  method?: "on_demand" | "pool";
  poolSize?: number;
  poolMaxSize?: number;
  ttlSeconds?: number;
  ttlExtendSeconds?: number;
  ttlMaxExtends?: number;
  visible?: boolean;
  enabled?: boolean;
  isBase?: boolean;
  spec: VersionSpec;
}

/** Creates a template with its first version. Callers check permissions; seeding runs as the system. */
export async function createTemplate(input: NewTemplate, actor: Identity | null) {
  const { spec: rawSpec, ...fields } = input;
  if (!TEMPLATE_NAME.test(input.name)) {
    throw new AppError("INVALID_INPUT", "Template names use lowercase letters, digits and dashes (at most 40 characters).", {
      name: ["lowercase letters, digits and dashes, starting and ending with a letter or digit"],
    });
  }
  const spec = parseSpec(rawSpec);
  return db().$transaction(async (tx) => {
    const template = await tx.template.create({ data: { ...fields, ownerId: null } });
    const library = await loadLibrary(tx);
    library.set(input.name, { id: template.id, name: input.name, isBase: template.isBase, method: template.method, spec, version: 0, checksum: "", baseChecksum: null });
    let baseChecksum: string | null = null;
    try {
      const chain = resolveChain(input.name, (n) => library.get(n));
      await validateChain(chain, template.method);
      baseChecksum = chainChecksum(chain);
    } catch (error) {
      asInvalidInput(error);
    }
    await tx.templateVersion.create({
      data: { templateId: template.id, version: 1, authorId: actor?.userId ?? null, message: "Created", baseChecksum, ...versionColumns(spec) },
    });
    await audit(tx, actor, "template.create", template.id, null, { ...fields, spec });
    return template;
  });
}

export interface TemplateDetail {
  name: string;
  displayName: string;
  method: "on_demand" | "pool";
  isBase: boolean;
  validationError: string | null;
  version: number;
  spec: VersionSpec;
  specYaml: string;
  versions: VersionSummary[];
}

/** Everything the admin page of one template shows. */
export async function getTemplateDetail(identity: Identity | null, name: string): Promise<TemplateDetail> {
  assertCan(identity, "template:edit");
  const template = await templateByName(db(), name);
  const [latest, versions] = await Promise.all([
    db().templateVersion.findFirst({ where: { templateId: template.id }, orderBy: { version: "desc" } }),
    versionHistory(template.id),
  ]);
  if (!latest) throw new AppError("NOT_FOUND", `Template "${name}" has no versions.`);
  const spec = specOf(latest);
  return {
    name: template.name,
    displayName: template.displayName,
    method: template.method,
    isBase: template.isBase,
    validationError: template.validationError,
    version: latest.version,
    spec,
    specYaml: specText(spec),
    versions,
  };
}
