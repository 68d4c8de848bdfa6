import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db, type Prisma } from "@/lib/db/client";
import type { InstancePhase } from "@/lib/db/generated/enums";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { decideLaunchDeadline } from "@/lib/domain/launch-deadline";
import { nextPhase, type Phase } from "@/lib/domain/phase";
import type { Settings } from "@/lib/domain/settings";
import { EngineError } from "@/lib/engine/kube/errors";
import type { InstanceDeployment, InstanceKey, ObservedInstance } from "@/lib/engine/types";
import { canonicalJson } from "@/lib/templates/checksum";
import type { ChartSource } from "@/lib/templates/spec";
import { specOf } from "@/lib/db/templates";
import { buildInstanceScope } from "@/lib/templates/context";
import type { ControllerContext } from "./context";

/**
 * The instance reconciler (docs/architecture.md, "Reconcile"). Level-based: it reads the row (desired state) and the
 * cluster (observed state) and takes the one step that brings them closer, so running it twice, late or
 * after a crash is always safe. Row updates are conditional on the row being unchanged since it was read;
 * if the web changed it meanwhile (a claim, an extension), the reconciler simply runs again.
 *
 * A launch is bounded (lib/domain/launch-deadline.ts): one that stays at a step longer than that step's limit
 * (the settings launch.fetchTimeoutSeconds and launch.installTimeoutSeconds) becomes Failed, keeping the last
 * report in its message. A failed instance is left alone until it is released or expires.
 *
 * Returns the delay after which it wants to run again, or null to wait for the next event.
 */

const TEARDOWN_POLL_MS = 1000;
const loadInstance = (uuid: string) =>
  db().instance.findUnique({
    where: { uuid },
    include: { template: { select: { name: true, displayName: true } }, templateVersion: true },
  });
type InstanceRow = NonNullable<Awaited<ReturnType<typeof loadInstance>>>;

interface Change {
  phase?: Phase;
  health?: string | null;
  step?: string;
  stepStartedAt?: Date;
  message?: string | null;
  namespace?: string;
  url?: string;
  engineRef?: string;
  readyAt?: Date;
  deletedAt?: Date;
  conditions?: Prisma.InputJsonValue;
}

/** Phases of an unclaimed member that move its pool on: a replacement ready, or a member to replace. */
const POOL_MOVES: readonly Phase[] = ["Available", "Failed"];

/** Writes a change if the row is still as read; false when someone else changed it first. */
async function update(ctx: ControllerContext, row: InstanceRow, change: Change): Promise<boolean> {
  const data = { ...change, ...(change.phase && { phase: nextPhase(row.phase, change.phase) as InstancePhase }) };
  const { count } = await db().instance.updateMany({ where: { id: row.id, updatedAt: row.updatedAt, deletedAt: null }, data });
  if (count === 1 && change.phase && change.phase !== row.phase && POOL_MOVES.includes(change.phase) && row.pooled && row.ownerKey === null) {
    ctx.wakePool?.(row.templateId);
  }
  return count === 1;
}

/**
 * Ends an instance whose TTL ran out, audited in the same transaction as ended by expiry (the portal's own
 * act, with no request behind it). Conditional like every update: if the web changed the row meanwhile (an
 * extension), nothing is written and the reconciler looks again.
 */
async function expire(row: InstanceRow): Promise<void> {
  const phase = nextPhase(row.phase, "Expiring") as InstancePhase;
  await db().$transaction(async (tx) => {
    const { count } = await tx.instance.updateMany({ where: { id: row.id, updatedAt: row.updatedAt, deletedAt: null }, data: { phase, message: "Expired: tearing down" } });
    if (count === 0) return;
    await recordAudit(tx, {
      actor: SYSTEM_IDENTITY,
      action: "instance.release",
      objectType: "instance",
      objectId: row.uuid,
      before: { phase: row.phase, owner: row.ownerKey, expiresAt: row.expiresAt },
      after: { phase, returnedToPool: false, endedBy: "expiry" },
    });
  });
}

/**
 * The instance's key: where its release lives is where it was first applied (its recorded engineRef), never
 * where the settings would put a new one; `releaseNamespace` is used only for an instance never applied.
 */
function keyOf(ctx: ControllerContext, row: InstanceRow, namespace: string, releaseNamespace?: string | null): InstanceKey {
  const recorded = row.engineRef ? ctx.engine!.releaseNamespaceOf(row.engineRef, namespace) : undefined;
  return { template: row.template.name, uuid: row.uuid, namespace, releaseNamespace: recorded !== undefined ? recorded : releaseNamespace };
}

/** The phase a row should be in given what Flux reports. */
function observedPhase(row: InstanceRow, observed: ObservedInstance): Phase {
  switch (observed.status.state) {
    case "ready":
      return row.pooled ? (row.ownerKey ? "Claimed" : "Available") : "Ready";
    case "failed":
      return "Failed";
    default:
      return row.phase === "Pending" || row.phase === "Failed" ? "Provisioning" : row.phase;
  }
}

/**
 * Fails a launch that has gone over the limit of its step, with `message` as its last report; otherwise says
 * when to look again (null when the instance is not bounded).
 */
async function enforceDeadline(ctx: ControllerContext, row: InstanceRow, settings: Settings, message: string | null): Promise<{ failed: boolean; againInMs: number | null }> {
  const decision = decideLaunchDeadline({ ...row, message }, settings.launch, ctx.now());
  if (decision.state === "unbounded") return { failed: false, againInMs: null };
  if (decision.state === "waiting") return { failed: false, againInMs: decision.remainingMs };
  if (await update(ctx, row, { phase: "Failed", health: "failed", message: decision.message })) ctx.log(`instance ${row.uuid}: ${row.phase} → Failed: ${decision.message}`);
  return { failed: true, againInMs: 0 };
}

export async function reconcileInstance(ctx: ControllerContext, uuid: string): Promise<number | null> {
  const row = await loadInstance(uuid);
  if (!row || row.deletedAt) return null;

  if (!ctx.engine) {
    // Nothing of it ever reached a cluster (no namespace): it can end without one, at its expiry or once
    // released. One that has a namespace waits for the cluster to tear it down.
    if (!row.namespace && row.phase !== "Expiring" && row.expiresAt && row.expiresAt <= ctx.now()) {
      await expire(row);
      return 0;
    }
    if (!row.namespace && row.phase === "Expiring") return tearDown(ctx, row);
    if (row.phase !== "Pending") return null;
    const settings = await ctx.settings.read();
    const { failed, againInMs } = await enforceDeadline(ctx, row, settings, ctx.noEngineReason);
    if (!failed && row.message !== ctx.noEngineReason) await update(ctx, row, { message: ctx.noEngineReason, health: "degraded" });
    return againInMs;
  }

  if (row.phase !== "Expiring" && row.expiresAt && row.expiresAt <= ctx.now()) {
    await expire(row);
    return 0;
  }
  // Failed is final (lib/domain/phase.ts): its owner retries or deletes it, or it expires.
  if (row.phase === "Failed") return null;

  try {
    if (row.phase === "Expiring") return await tearDown(ctx, row);
    return await converge(ctx, row);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    const message = error.message.slice(0, 4000);
    if (row.message !== message) ctx.log(`instance ${uuid}: ${message}`);
    if (error.permanent && row.phase !== "Expiring") {
      await update(ctx, row, { phase: "Failed", health: "failed", message });
      return null;
    }
    // A cluster that stays out of reach fails the launch too, once its step has taken too long.
    if ((await enforceDeadline(ctx, row, await ctx.settings.read(), message)).failed) return null;
    if (row.message !== message) await update(ctx, row, { health: "degraded", message });
    throw error;
  }
}

/**
 * Deletes what the instance holds in the cluster, then marks the row deleted. The row keeps the message that
 * says why it ended (expired, deleted by its owner, replaced after failing…): views show a deleted instance
 * as "Deleted", and a pool's state reads its last failures from these rows.
 */
async function tearDown(ctx: ControllerContext, row: InstanceRow): Promise<number | null> {
  if (!row.namespace) {
    await update(ctx, row, { deletedAt: ctx.now() });
    return null;
  }
  const result = await ctx.engine!.teardown(keyOf(ctx, row, row.namespace));
  if (result === "deleting") return TEARDOWN_POLL_MS;
  await update(ctx, row, { deletedAt: ctx.now(), health: null });
  ctx.log(`instance ${row.uuid}: torn down`);
  return null;
}

async function converge(ctx: ControllerContext, row: InstanceRow): Promise<number | null> {
  const engine = ctx.engine!;
  const version = row.templateVersion;
  let { namespace, url } = row;
  const settings = await ctx.settings.read();
  if (!namespace || !url) {
    // Launches record the address; a row without one (written by hand, or by an older portal) gets it here.
    const address = await buildInstanceScope({
      template: { name: row.template.name, displayName: row.template.displayName, version: version.version, labels: {}, annotations: {} },
      composed: { parameters: (version.parameters ?? {}) as Record<string, unknown>, connectionUrlTemplate: version.connectionUrlTemplate ?? undefined },
      uuid: row.uuid,
      ownerKey: row.ownerKey,
      pooled: row.pooled,
      user: null,
      params: {},
      exposedClaims: settings.exposedClaims,
      settings,
    });
    namespace ??= address.namespace;
    url ??= address.url;
  }

  const key = keyOf(ctx, row, namespace, settings.flux.namespace ?? null);
  const deployment: InstanceDeployment = {
    installationId: ctx.installationId,
    template: row.template.name,
    uuid: row.uuid,
    namespace,
    ownerKey: row.ownerKey,
    pooled: row.pooled,
    chart: specOf(version).chart as ChartSource,
    valueFiles: row.valueFiles,
    values: (row.values ?? {}) as Record<string, unknown>,
    flux: settings.flux,
    releaseNamespace: key.releaseNamespace,
  };
  // A Pending row has never been applied as far as the row knows: apply at once, without reading first.
  let observed = row.phase === "Pending" ? null : await engine.observe(key);
  let applied = false;
  if (!observed || !observed.exists || observed.appliedHash !== engine.desiredHash(deployment)) {
    observed = await engine.apply(deployment);
    applied = true;
  }

  const target = observedPhase(row, observed);
  // A release found already installed for a Pending row (a worker died between applying and recording it)
  // still goes through Provisioning: one legal step now, the next on the immediate re-run.
  const phase = row.phase === "Pending" && target !== "Failed" ? "Provisioning" : target;
  const change: Change = {};
  if (namespace !== row.namespace) change.namespace = namespace;
  if (url !== row.url) change.url = url;
  if (phase !== row.phase) change.phase = phase;
  const health = observed.status.health;
  if (health !== row.health) change.health = health;
  // A failure keeps the step it stopped at, so the timeline can show where.
  const step = observed.status.step;
  // The clock of the launch's bound restarts with every new step: progress is what it waits for.
  if (step !== "failed" && step !== row.step) Object.assign(change, { step, stepStartedAt: ctx.now() });
  const message = applied && observed.status.state === "progressing" && row.phase === "Pending" ? "Applied; waiting for Flux to install the chart" : observed.status.message;
  if (message !== row.message) change.message = message;
  // Kept for admins as Flux last wrote them; written only when they change, as Flux's transitions are rare.
  if (observed.conditions && canonicalJson(observed.conditions) !== canonicalJson(row.conditions ?? null)) change.conditions = observed.conditions as unknown as Prisma.InputJsonValue;
  const engineRef = engine.engineRef(key);
  if (engineRef !== row.engineRef) change.engineRef = engineRef;
  if (phase === target && observed.status.state === "ready" && !row.readyAt) change.readyAt = ctx.now();

  // Judged on what was just observed, so a step that moved on in time is never failed for the old one.
  let againInMs: number | null = null;
  if (observed.status.state === "progressing") {
    const current = { ...row, phase, step: change.step ?? row.step, stepStartedAt: change.stepStartedAt ?? row.stepStartedAt, message };
    const decision = decideLaunchDeadline(current, settings.launch, ctx.now());
    if (decision.state === "overdue") Object.assign(change, { phase: "Failed", health: "failed", message: decision.message });
    else if (decision.state === "waiting") againInMs = decision.remainingMs;
  }

  if (Object.keys(change).length === 0) return againInMs;
  if (!(await update(ctx, row, change))) return 0;
  if (change.phase) ctx.log(`instance ${row.uuid}: ${row.phase} → ${change.phase}${change.phase === "Failed" ? `: ${change.message ?? observed.status.message}` : ""}`);
  if (change.phase === "Failed") return null;
  return phase === target ? againInMs : 0;
}
