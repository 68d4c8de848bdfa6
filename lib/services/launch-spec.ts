import "server-only";
import { randomBytes } from "node:crypto";
import { db, sqlPool } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { renderChain } from "@/lib/templates/compose";
import { composeSpec, resolveChain, type ComposedSpec, type TemplateLayer } from "@/lib/templates/inheritance";
import { assertParameterSchema, describeParameters } from "@/lib/templates/parameters";
import { TEMPLATE_NAME } from "@/lib/templates/spec";
import { addressInstance } from "./instance-address";
import { LAUNCH_SETTING_KEYS, parseLaunchSettings, type LaunchSettings } from "./settings";
import { asInvalidInput, specOf } from "./templates";

/**
 * What a launch needs to know about a template: its operational fields, its latest version and the spec
 * composed from its inheritance chain. Composed specs are cached by version id: versions are immutable, and a
 * change to a base template creates a new version of every template that extends it, so a version id always
 * stands for the same chain.
 */

export interface LaunchTemplate {
  id: string;
  name: string;
  displayName: string;
  icon: string;
  enabled: boolean;
  method: "on_demand" | "pool";
  poolSize: number;
  poolMaxSize: number;
  poolRecycle: boolean;
  poolFallback: "on_demand" | "refuse";
  ttlSeconds: number;
  ttlExtendSeconds: number;
  ttlMaxExtends: number;
  maxInstancesPerUser: number | null;
  engine: string;
  versionId: string;
  version: number;
  composed: ComposedSpec;
  /** The settings a launch needs, read in the same query. */
  settings: LaunchSettings;
}

const CACHE_LIMIT = 500;
const composedCache = new Map<string, Promise<ComposedSpec>>();

/** The composed spec of a version; concurrent first launches of a version share one composition. */
function composeVersion(name: string, versionId: string): Promise<ComposedSpec> {
  let composed = composedCache.get(versionId);
  if (!composed) {
    if (composedCache.size >= CACHE_LIMIT) composedCache.delete(composedCache.keys().next().value!);
    composed = composeChain(name, versionId);
    composedCache.set(versionId, composed);
    composed.catch(() => composedCache.delete(versionId));
  }
  return composed;
}

async function composeChain(name: string, versionId: string): Promise<ComposedSpec> {
  const leaf = await db().templateVersion.findUniqueOrThrow({ where: { id: versionId } });
  // Walk the chain upwards by name, loading only the templates it names.
  const layers = new Map<string, TemplateLayer>([[name, { name, isBase: false, spec: specOf(leaf) }]]);
  let next = leaf.extendsName;
  while (next && !layers.has(next) && layers.size <= 10) {
    const parent = await db().template.findFirst({
      where: { name: next, deletedAt: null },
      include: { versions: { orderBy: { version: "desc" }, take: 1 } },
    });
    if (!parent?.versions[0]) break;
    layers.set(next, { name: next, isBase: parent.isBase, spec: specOf(parent.versions[0]) });
    next = parent.versions[0].extendsName;
  }
  try {
    const composed = composeSpec(resolveChain(name, (n) => layers.get(n)));
    assertParameterSchema(composed.parameters);
    return composed;
  } catch (error) {
    return asInvalidInput(error);
  }
}

type TemplateRow = Omit<LaunchTemplate, "composed" | "settings"> & {
  isBase: boolean;
  validationError: string | null;
  storedSettings: Record<string, unknown> | null;
};

/**
 * Loads a template for launching by name: hidden templates are fine (M2), unknown, deleted and base templates
 * are NOT_FOUND, and a template that failed validation is UNAVAILABLE with the reason. One query brings the
 * template, its latest version and the launch settings: this is on the path of every launch.
 */
export async function loadLaunchTemplate(name: string): Promise<LaunchTemplate> {
  if (typeof name !== "string" || !TEMPLATE_NAME.test(name)) {
    throw new AppError("NOT_FOUND", `There is no template named "${String(name).slice(0, 80)}".`);
  }
  const { rows } = await sqlPool().query<TemplateRow>(
    `SELECT t.id::text, t.name, t.display_name AS "displayName", t.icon::text, t.enabled, t.is_base AS "isBase",
            t.validation_error AS "validationError", t.method::text, t.pool_size AS "poolSize", t.pool_max_size AS "poolMaxSize",
            t.pool_recycle AS "poolRecycle", t.pool_fallback::text AS "poolFallback", t.ttl_seconds AS "ttlSeconds",
            t.ttl_extend_seconds AS "ttlExtendSeconds", t.ttl_max_extends AS "ttlMaxExtends",
            t.max_instances_per_user AS "maxInstancesPerUser", t.engine, v.id::text AS "versionId", v.version,
            (SELECT jsonb_object_agg(key, value) FROM settings WHERE key = ANY($2)) AS "storedSettings"
     FROM templates t
     JOIN LATERAL (SELECT id, version FROM template_versions WHERE template_id = t.id ORDER BY version DESC LIMIT 1) v ON true
     WHERE t.name = $1 AND t.deleted_at IS NULL`,
    [name, LAUNCH_SETTING_KEYS],
  );
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", `There is no template named "${name}".`);
  if (row.isBase) throw new AppError("NOT_FOUND", `"${name}" is a base template for other templates and cannot be launched itself.`);
  if (row.validationError) {
    throw new AppError("UNAVAILABLE", `"${row.displayName}" cannot be launched until an administrator fixes it: ${row.validationError}`);
  }
  const { isBase, validationError, storedSettings, ...fields } = row;
  return {
    ...fields,
    composed: await composeVersion(name, row.versionId),
    settings: parseLaunchSettings(new Map(Object.entries(storedSettings ?? {}))),
  };
}

/** A new instance uuid: 8 hex characters (collisions are retried by the insert). */
export function newInstanceUuid(): string {
  return randomBytes(4).toString("hex");
}

export interface PreparedInstance {
  uuid: string;
  namespace: string;
  url: string;
  values: Record<string, unknown>;
  valueFiles: string[];
}

/**
 * Addresses and renders a new instance: namespace, URL (M5) and the final Helm values of the composed chain.
 * Pool members are rendered without an owner, parameters or claims: they are anonymous until claimed.
 */
export async function prepareInstance(input: {
  template: LaunchTemplate;
  ownerKey: string | null;
  pooled: boolean;
  params: Record<string, unknown>;
  identity: Identity | null;
  exposedClaims: string[];
  settings: Pick<LaunchSettings, "baseDomain" | "connectionUrlTemplate" | "values">;
}): Promise<PreparedInstance> {
  const { template, identity } = input;
  const uuid = newInstanceUuid();
  const composed = template.composed;
  const anonymous = input.pooled && !input.ownerKey;
  const claims: Record<string, unknown> = anonymous || !identity ? {} : { email: identity.email, name: identity.displayName, ...identity.claims };
  const address = await addressInstance({
    template: { name: template.name, displayName: template.displayName, version: template.version },
    uuid,
    ownerKey: input.ownerKey,
    pooled: input.pooled,
    parameterNames: describeParameters(composed.parameters).map((f) => f.name),
    params: anonymous ? {} : input.params,
    claims,
    exposedClaims: input.exposedClaims,
    urlTemplate: composed.connectionUrlTemplate ?? null,
    settings: input.settings,
  });
  try {
    const values = await renderChain(composed, address.context, {
      user: anonymous || !identity ? { name: "", groups: [], email: "" } : { name: identity.username, groups: identity.groups, email: identity.email ?? "" },
      workspace: { name: `${template.name}-${uuid}`, namespace: address.namespace, uuid },
      metadata: { labels: {}, annotations: {} },
      template: { name: template.name, version: template.version },
    });
    return { uuid, namespace: address.namespace, url: address.url, values, valueFiles: composed.valueFiles };
  } catch (error) {
    return asInvalidInput(error);
  }
}
