import path from "node:path";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import type { StudentCatalog } from "@/lib/services/catalog/list-catalog";
import { createTemplate, type NewTemplate } from "@/lib/services/templates/create-template";
import { db } from "@/lib/db/client";
import { invalidateTemplateCache } from "@/lib/db/templates";
import { SYSTEM_IDENTITY, type Identity, type Role } from "@/lib/domain/identity";

/**
 * Fixtures for launch tests. Launching needs a configured cluster; the web side decides that from files
 * alone and never contacts it, so these tests point KUBECONFIG at a cluster that does not exist.
 * Call before anything reads the configuration.
 */
export function allowLaunching(): void {
  process.env.KUBECONFIG = path.join(import.meta.dirname, "../fixtures/kubeconfig-never-contacted.yaml");
  process.env.ENVDECK_ENGINE = "auto";
}

let users = 0;
/** A fresh local user (unique name) with the given groups and roles. */
export async function createUser(options: { name?: string; groups?: string[]; roles?: Role[] } = {}): Promise<Identity> {
  const username = options.name ?? `user-${process.pid}-${++users}`;
  return upsertLocalUser(SYSTEM_IDENTITY, { username, password: "pw-12345678", roles: options.roles ?? ["student"], groups: options.groups ?? [] });
}

const chart = { type: "helm" as const, repoUrl: "https://charts.example.test", chart: "demo", revision: "1.0.0" };

/** Creates a launchable template; pass `spec` parts to change the values template, parameters or owner claim. */
export async function createLaunchTemplate(
  name: string,
  fields: Partial<Omit<NewTemplate, "spec" | "name">> & { spec?: Partial<NewTemplate["spec"]>; maxInstancesPerUser?: number; poolFallback?: "on_demand" | "refuse"; poolRecycle?: boolean } = {},
) {
  const { spec, maxInstancesPerUser, poolFallback, poolRecycle, ...rest } = fields;
  const template = await createTemplate(SYSTEM_IDENTITY, {
    name,
    displayName: name,
    ...rest,
    spec: {
      chart,
      valuesTemplate: rest.method === "pool" ? "host: {{ host }}\n" : "host: {{ host }}\nuser: {{ owner }}\n",
      valueFiles: [],
      parameters: { type: "object", properties: {} },
      ownerClaim: "",
      ...spec,
    },
  });
  if (maxInstancesPerUser !== undefined || poolFallback || poolRecycle !== undefined) {
    await db().template.update({ where: { id: template.id }, data: { maxInstancesPerUser, poolFallback, poolRecycle } });
    invalidateTemplateCache();
  }
  return template;
}

/** Inserts `count` warm members of a pool template directly, as the pool controller would leave them. */
export async function insertAvailableMembers(templateId: string, count: number): Promise<string[]> {
  const version = await db().templateVersion.findFirstOrThrow({ where: { templateId }, orderBy: { version: "desc" } });
  const uuids: string[] = [];
  for (let i = 0; i < count; i++) {
    const uuid = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, "0");
    await db().instance.create({
      data: { uuid, templateId, templateVersionId: version.id, phase: "Available", pooled: true, namespace: `pool-x-${uuid}`, url: `https://x-${uuid}.test/` },
    });
    uuids.push(uuid);
  }
  // Written behind the services' back: the catalog shared between students must see it now, not in a few seconds.
  invalidateTemplateCache();
  return uuids;
}

/** Counts instances of a template that are not torn down, by phase. */
export async function phasesOf(templateId: string): Promise<Record<string, number>> {
  const rows = await db().instance.groupBy({ by: ["phase"], where: { templateId, deletedAt: null }, _count: true });
  return Object.fromEntries(rows.map((r) => [r.phase, r._count]));
}

/** Many students at once, written in one statement (no password hashing): for concurrency tests. */
export async function createStudents(count: number, prefix: string, groups: string[] = []): Promise<Identity[]> {
  const usernames = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await db().user.createMany({ data: usernames.map((username) => ({ username, groups, roles: ["student"] })) });
  const rows = await db().user.findMany({ where: { username: { in: usernames } }, orderBy: { username: "asc" } });
  return rows.map((u) => ({ userId: u.id, username: u.username, displayName: u.username, email: null, groups: u.groups, roles: ["student"], claims: {}, source: "local" }));
}

/** Every template name a student catalog shows, teacher catalogs first, in page order. */
export function catalogNames(catalog: StudentCatalog): string[] {
  return [...catalog.catalogs.flatMap((c) => c.entries), ...catalog.groups.flatMap((g) => g.entries)].map((e) => e.name);
}
