import "server-only";
import { readSettingsImpactRows } from "@/lib/db/settings-impact";
import { decideLaunchDeadline } from "@/lib/domain/launch-deadline";
import type { Settings } from "@/lib/domain/settings";
import { describePortalImpact, type PortalImpactCounts, type PortalImpactLine, type PortalSettingsChange } from "@/lib/domain/settings-form";
import { validateAllTemplates } from "@/lib/services/system/validate-templates";

/**
 * What saving a settings change would do, from the database's counts: launches under way judged by the new
 * limits (with the worker's own rule), and every template validated against the new settings (only when
 * something templates read changes), so a change that would break templates says which before it is saved.
 */
export async function portalSettingsImpact(before: Settings, after: Settings, change: PortalSettingsChange): Promise<PortalImpactLine[]> {
  const { instances, templatesOnDefaultQuota } = await readSettingsImpactRows();
  const now = new Date();
  const launching = instances.filter((i) => i.phase === "Pending" || i.phase === "Provisioning");
  const rendered = "baseDomain" in change || "connectionUrlTemplate" in change || "values" in change || "exposedClaims" in change;
  const validation = rendered ? await validateAllTemplates({ settings: after }) : [];
  const counts: PortalImpactCounts = {
    running: instances.filter((i) => i.ownerKey !== null).length,
    launching: launching.length,
    launchingOverdue: change.launch ? launching.filter((i) => decideLaunchDeadline(i, after.launch, now).state === "overdue").length : 0,
    warm: instances.filter((i) => i.pooled && i.ownerKey === null).length,
    live: instances.length,
    templatesOnDefaultQuota,
    breaking: validation.filter((t) => t.error !== null && t.was === null).map((t) => ({ name: t.name, error: t.error! })),
  };
  return describePortalImpact(before, change, counts);
}
