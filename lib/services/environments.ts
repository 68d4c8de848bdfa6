import "server-only";
import { getConfig } from "@/lib/config";
import { db, type Prisma } from "@/lib/db/client";
import type { InstancePhase } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { OwnerKeyError, ownerKeyFor, ownerKeysOf, toOwnerKey } from "@/lib/domain/owner-key";
import { can, assertCan } from "@/lib/domain/permissions";
import { LIVE_PHASES, type Phase } from "@/lib/domain/phase";
import { extensionsLeft } from "@/lib/domain/ttl";
import { INSTANCE_UUID } from "@/lib/domain/naming";
import { TEMPLATE_NAME } from "@/lib/templates/spec";
import { getLaunchSettings } from "./settings";

/**
 * "My environments" (M9, M11): what a user owns, by their username and every group (and any other owner
 * key their claims give them), and the one place that decides whether a caller may touch an instance.
 */


const viewInclude = {
  template: { select: { name: true, displayName: true, icon: true, ttlSeconds: true, ttlExtendSeconds: true, ttlMaxExtends: true, poolRecycle: true } },
  templateVersion: { select: { version: true } },
} as const;
export type InstanceRow = Prisma.InstanceGetPayload<{ include: typeof viewInclude }>;

/** What users and API clients see of an instance. Rendered values stay server-side. */
export interface EnvironmentView {
  uuid: string;
  name: string;
  displayName: string;
  icon: string;
  version: number;
  owner: string | null;
  /** True when the owner key is not the caller's username (a group-owned instance). */
  shared: boolean;
  phase: Phase;
  /** Dploy-compatible one-word status: pending, Progressing, Healthy, Degraded or Deleting. */
  status: string;
  /** The provisioning step Flux last reported: applying, fetching, installing or ready; null before the first. */
  step: string | null;
  health: string | null;
  message: string | null;
  url: string | null;
  namespace: string | null;
  engine: string;
  engineRef: string | null;
  pooled: boolean;
  params: Record<string, unknown>;
  createdAt: string;
  claimedAt: string | null;
  readyAt: string | null;
  expiresAt: string | null;
  isUnlimited: boolean;
  extendCount: number;
  maxExtends: number;
  extendSeconds: number;
  /** Extensions still possible; null when the TTL is unlimited. */
  extensionsLeft: number | null;
}

const STATUS: Record<Phase, string> = {
  Pending: "pending",
  Provisioning: "Progressing",
  Ready: "Healthy",
  Available: "Healthy",
  Claimed: "Healthy",
  Failed: "Degraded",
  Expiring: "Deleting",
};

/** What a view is made of: an instance row with its template's display and TTL fields and its version. */
export type ViewSource = Pick<
  InstanceRow,
  | "uuid" | "ownerKey" | "phase" | "step" | "health" | "message" | "url" | "namespace" | "engine" | "engineRef" | "pooled" | "params"
  | "createdAt" | "claimedAt" | "readyAt" | "expiresAt" | "extendCount" | "deletedAt"
> & { template: InstanceRow["template"]; templateVersion: InstanceRow["templateVersion"] };

const VIEW_FIELDS = {
  uuid: "uuid",
  ownerKey: "owner_key",
  phase: "phase::text",
  step: "step",
  health: "health",
  message: "message",
  url: "url",
  namespace: "namespace",
  engine: "engine",
  engineRef: "engine_ref",
  pooled: "pooled",
  params: "params",
  createdAt: "created_at",
  claimedAt: "claimed_at",
  readyAt: "ready_at",
  expiresAt: "expires_at",
  extendCount: "extend_count",
  deletedAt: "deleted_at",
} satisfies Record<keyof Omit<ViewSource, "template" | "templateVersion">, string>;

/** The instance columns of a view, named as ViewSource names them, for plain SQL statements. */
export const VIEW_COLUMNS = Object.entries(VIEW_FIELDS)
  .map(([field, column]) => `${column} AS "${field}"`)
  .join(", ");

export function toEnvironmentView(row: ViewSource, identity: Identity | null): EnvironmentView {
  const policy = { ttlSeconds: row.template.ttlSeconds, extendSeconds: row.template.ttlExtendSeconds, maxExtends: row.template.ttlMaxExtends };
  const phase = row.deletedAt ? "Expiring" : (row.phase as Phase);
  return {
    uuid: row.uuid,
    name: row.template.name,
    displayName: row.template.displayName,
    icon: row.template.icon,
    version: row.templateVersion.version,
    owner: row.ownerKey,
    shared: row.ownerKey !== null && identity !== null && row.ownerKey !== toOwnerKey(identity.username),
    phase,
    status: STATUS[phase],
    step: row.step,
    health: row.health,
    message: row.deletedAt ? "Deleted" : row.message,
    url: row.url,
    namespace: row.namespace,
    engine: row.engine,
    engineRef: row.engineRef,
    pooled: row.pooled,
    params: (row.params ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    claimedAt: row.claimedAt?.toISOString() ?? null,
    readyAt: row.readyAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    isUnlimited: row.expiresAt === null,
    extendCount: row.extendCount,
    maxExtends: policy.maxExtends,
    extendSeconds: policy.extendSeconds,
    extensionsLeft: extensionsLeft(policy, row),
  };
}

export async function loadView(uuid: string, identity: Identity | null): Promise<EnvironmentView> {
  const row = await db().instance.findUniqueOrThrow({ where: { uuid }, include: viewInclude });
  return toEnvironmentView(row, identity);
}

export interface EnvironmentList {
  environments: EnvironmentView[];
  count: number;
  /** The caller's personal quota (their username's owner key): live instances and the default limit. */
  quota: { used: number; limit: number | null };
}

/** Everything the caller owns that is not yet torn down, newest first. */
export async function listEnvironments(identity: Identity | null): Promise<EnvironmentList> {
  assertCan(identity, "instance:launch");
  const keys = ownerKeysOf(identity);
  const [rows, settings] = await Promise.all([
    db().instance.findMany({
      where: { ownerKey: { in: keys }, deletedAt: null, phase: { not: "Expiring" } },
      include: viewInclude,
      orderBy: { createdAt: "desc" },
      take: 500,
    }),
    getLaunchSettings(),
  ]);
  const environments = rows.map((row) => toEnvironmentView(row, identity));
  const personal = keys[0];
  return {
    environments,
    count: environments.length,
    quota: { used: environments.filter((e) => e.owner === personal).length, limit: settings.defaultQuota === 0 ? null : settings.defaultQuota },
  };
}

/** Names an instance: by uuid, or by template name meaning "my live instance of that template". */
export type InstanceRef = { uuid: string } | { template: string };

function notFound(ref: InstanceRef): AppError {
  return "uuid" in ref
    ? new AppError("NOT_FOUND", `There is no environment "${String(ref.uuid).slice(0, 80)}" of yours.`)
    : new AppError("NOT_FOUND", `You have no running "${String(ref.template).slice(0, 80)}" environment.`);
}

/**
 * Finds an instance the caller may act on, or NOT_FOUND: a foreign instance is reported exactly like a
 * missing one, so nobody can probe for other people's environments. Admins may act on any instance.
 */
export async function findOwnedInstance(identity: Identity, ref: InstanceRef, tx: Prisma.TransactionClient = db()): Promise<InstanceRow> {
  let row: InstanceRow | null = null;
  if ("uuid" in ref) {
    if (typeof ref.uuid !== "string" || !INSTANCE_UUID.test(ref.uuid)) throw notFound(ref);
    row = await tx.instance.findUnique({ where: { uuid: ref.uuid }, include: viewInclude });
    if (row && (row.deletedAt || !row.ownerKey)) row = null;
    if (row && !can(identity, "instance:manage-any") && !ownerKeysOf(identity).includes(row.ownerKey!)) row = null;
  } else {
    if (typeof ref.template !== "string" || !TEMPLATE_NAME.test(ref.template)) throw notFound(ref);
    const template = await tx.template.findFirst({
      where: { name: ref.template, deletedAt: null },
      select: { id: true, versions: { orderBy: { version: "desc" }, take: 1, select: { ownerClaim: true } } },
    });
    if (!template) throw new AppError("NOT_FOUND", `There is no template named "${ref.template}".`);
    let ownerKey: string;
    try {
      ownerKey = ownerKeyFor(identity, template.versions[0]?.ownerClaim ?? "", getConfig().oidc?.claims.username);
    } catch (error) {
      if (error instanceof OwnerKeyError) throw notFound(ref);
      throw error;
    }
    row = await tx.instance.findFirst({
      where: { templateId: template.id, ownerKey, deletedAt: null, phase: { in: LIVE_PHASES as InstancePhase[] } },
      include: viewInclude,
      orderBy: { createdAt: "desc" },
    });
  }
  if (!row) throw notFound(ref);
  return row;
}

/**
 * Finds an instance the caller may act on and locks its row for the rest of `tx`. Read again once locked:
 * a concurrent extend or release may have changed it (a released pool member may no longer be theirs).
 */
export async function lockOwnedInstance(identity: Identity, ref: InstanceRef, tx: Prisma.TransactionClient): Promise<InstanceRow> {
  const found = await findOwnedInstance(identity, ref, tx);
  await tx.$executeRaw`SELECT 1 FROM instances WHERE id = ${found.id}::uuid FOR UPDATE`;
  return findOwnedInstance(identity, { uuid: found.uuid }, tx);
}

/** The status of one of the caller's instances (`GET /api/run/{name}/status`). */
export async function getEnvironment(identity: Identity | null, ref: InstanceRef): Promise<EnvironmentView> {
  assertCan(identity, "instance:launch");
  return toEnvironmentView(await findOwnedInstance(identity, ref), identity);
}
