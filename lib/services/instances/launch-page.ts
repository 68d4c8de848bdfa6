import "server-only";
import { countWarmMembers, estimateReadySeconds } from "@/lib/db/instances";
import { loadTemplate } from "@/lib/db/templates";
import { AppError, isAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { launchFormSchema } from "@/lib/templates/parameters";
import { getLaunchAvailability } from "./internal/launch-availability";
import { assertMayUseClassTemplate, brokenReason } from "./internal/launchable";
import { findLiveInstanceOf } from "./internal/owned";
import { toEnvironmentView, type EnvironmentView } from "./view";

/**
 * What `/run/{name}` shows: the template, the form for its parameters, why it cannot be launched if it
 * cannot, the caller's live instance of it if there is one (so a reload or a second tab shows progress
 * instead of launching again), and how long launches of it usually take.
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

export async function getLaunchPage(identity: Identity | null, input: { name: string }): Promise<LaunchPage> {
  assertCan(identity, "instance:launch");
  const template = await loadTemplate({ name: input.name });
  if (template.isBase) throw new AppError("NOT_FOUND", `There is no template named "${template.name}".`);
  await assertMayUseClassTemplate(template, identity);

  const broken = brokenReason(template, identity);
  const unavailable =
    broken ??
    (!template.enabled ? `"${template.displayName}" is disabled by an administrator and cannot be launched right now.` : getLaunchAvailability(identity).reason);
  const parameters = template.composed && !broken ? launchFormSchema(template.composed.parameters) : { type: "object", properties: {} };

  const [existing, estimateSeconds, warm] = await Promise.all([
    findLiveInstanceOf(identity, template).then(
      (row) => (row ? toEnvironmentView(row, identity) : null),
      (error: unknown) => {
        // A caller without the owner claim has no instance of it; the launch itself says why.
        if (isAppError(error) && error.code === "FORBIDDEN") return null;
        throw error;
      },
    ),
    estimateReadySeconds(template.id, ESTIMATE_SAMPLE),
    template.method === "pool" ? countWarmMembers(template.id) : 0,
  ]);
  const { name, displayName, description, icon, method, ttlSeconds } = template;
  return { template: { name, displayName, description, icon, method, ttlSeconds, warm }, parameters, unavailable, existing, estimateSeconds, readAt: Date.now() };
}
