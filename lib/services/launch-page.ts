import "server-only";
import { db, sqlPool } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { launchFormSchema } from "@/lib/templates/parameters";
import { findOwnedInstance, toEnvironmentView, type EnvironmentView } from "./environments";
import { getLaunchAvailability } from "./launch-availability";
import { loadLaunchTemplate } from "./launch-spec";

/**
 * What `/run/{name}` shows (M2, M8, B4): the template, the form for its parameters, why it cannot be
 * launched if it cannot, the caller's live instance of it if there is one (so a reload or a second tab
 * shows progress instead of launching again), and how long launches of it usually take.
 */

export interface LaunchPage {
  template: {
    name: string;
    displayName: string;
    description: string;
    icon: string;
    method: "on_demand" | "pool";
    ttlSeconds: number;
    /** Warm members free right now. */
    warm: number;
  };
  /** The JSON Schema the form renders and the server validates against. */
  parameters: Record<string, unknown>;
  /** Why the template cannot be launched now, for people; null when it can. */
  unavailable: string | null;
  existing: EnvironmentView | null;
  /** Median seconds from launch to Ready over the template's recent launches; null before any. */
  estimateSeconds: number | null;
  /** When this was read (ms since the epoch): the browser's clock for elapsed time starts there. */
  readAt: number;
}

/** How many recent launches the estimate looks at. */
const ESTIMATE_SAMPLE = 20;

export async function getLaunchPage(identity: Identity | null, name: string): Promise<LaunchPage> {
  assertCan(identity, "instance:launch");
  const template = await findLaunchableTemplate(name);

  let unavailable: string | null = null;
  let parameters: Record<string, unknown> = { type: "object", properties: {} };
  if (template.validationError) {
    unavailable = `"${template.displayName}" cannot be launched until an administrator fixes it: ${template.validationError}`;
  } else {
    parameters = launchFormSchema((await loadLaunchTemplate(name)).composed.parameters as Record<string, unknown>);
    if (!template.enabled) unavailable = `"${template.displayName}" is disabled by an administrator and cannot be launched right now.`;
    else unavailable = getLaunchAvailability().reason;
  }

  const [existing, estimateSeconds, warm] = await Promise.all([
    findOwnedInstance(identity, { template: name }).then(
      (row) => toEnvironmentView(row, identity),
      (error: unknown) => {
        if (isAppError(error) && error.code === "NOT_FOUND") return null;
        throw error;
      },
    ),
    estimateLaunchSeconds(template.id),
    template.method === "pool"
      ? db().instance.count({ where: { templateId: template.id, phase: "Available", ownerKey: null, deletedAt: null } })
      : 0,
  ]);
  const { id, enabled, validationError, ...shown } = template;
  return { template: { ...shown, warm }, parameters, unavailable, existing, estimateSeconds, readAt: Date.now() };
}

/** A template that can be opened at /run/{name}: hidden is fine, base and deleted are not. */
async function findLaunchableTemplate(name: string) {
  const template = await db().template.findFirst({
    where: { name: String(name).slice(0, 100), deletedAt: null, isBase: false },
    select: {
      id: true,
      name: true,
      displayName: true,
      description: true,
      icon: true,
      method: true,
      ttlSeconds: true,
      enabled: true,
      validationError: true,
    },
  });
  if (!template) throw new AppError("NOT_FOUND", `There is no template named "${String(name).slice(0, 80)}".`);
  return template;
}

/**
 * The median time from launch to Ready of the template's last launches (pool members included: they install
 * the same chart). Null when none was ever ready.
 */
export async function estimateLaunchSeconds(templateId: string): Promise<number | null> {
  const { rows } = await sqlPool().query<{ seconds: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ready_at - created_at)) AS seconds
     FROM (SELECT ready_at, created_at FROM instances
           WHERE template_id = $1::uuid AND ready_at IS NOT NULL ORDER BY created_at DESC LIMIT $2) recent`,
    [templateId, ESTIMATE_SAMPLE],
  );
  const seconds = rows[0]?.seconds;
  return seconds === null || seconds === undefined ? null : Math.max(1, Math.round(Number(seconds)));
}
