import { describeTtl } from "./catalog";
import { keepsPool, planPool, type MemberCounts } from "./pool-plan";
import { changedSettings, type SettingName, type TemplateSettings } from "./template-settings";

/**
 * What a change of a template's settings does to what exists, in sentences for the admin before saving:
 * pool members the worker will create or remove (by `planPool`, the worker's own rule), environments that
 * keep their expiry, who can still launch it, where it is listed. Pure: the counts come from the database
 * (lib/services/templates/preview-settings-impact.ts).
 */

/** Settings whose change can touch what exists; the others only change how the template is described or launched next. */
export const IMPACT_SETTINGS: readonly SettingName[] = ["enabled", "visible", "method", "poolSize", "poolMaxSize", "ttlSeconds", "ttlExtendSeconds", "ttlMaxExtends"];

export interface ImpactCounts {
  /** Instances not being torn down, claimed, on-demand and unclaimed alike. */
  total: number;
  /** Pool members nobody has claimed, ready or starting. */
  unclaimed: number;
  /** Of those, the ones ready now. */
  unclaimedReady: number;
  /** Of the unclaimed members, those of an older version, which the worker is replacing. */
  outdated?: MemberCounts;
  /** Instances someone owns: what "running environments" counts. */
  owned: number;
  /** Teachers' catalogs that list the template (their audiences see it even when hidden). */
  catalogs: number;
}

export interface ImpactLine {
  text: string;
  /** True when it ends or removes something: saving then needs a confirmation. */
  ends: boolean;
}

export interface SettingsImpact {
  lines: ImpactLine[];
  needsConfirmation: boolean;
}

export const NO_IMPACT: SettingsImpact = { lines: [], needsConfirmation: false };

/** The template beside its settings: what decides whether it keeps a pool. */
export interface ImpactTemplate {
  isBase: boolean;
  validationError: string | null;
  /** True when its spec does not compose: the worker cannot create members of it. */
  broken: boolean;
  /** True when the portal has no cluster: the worker then neither creates nor removes pool members. */
  noCluster?: boolean;
}

function count(n: number, what: string, plural = `${what}s`): string {
  return `${n} ${n === 1 ? what : plural}`;
}

function running(n: number): string {
  return count(n, "running environment");
}

function extensionRule(settings: TemplateSettings): string {
  if (settings.ttlMaxExtends <= 0 || settings.ttlExtendSeconds <= 0) return "no more extensions";
  return `up to ${count(settings.ttlMaxExtends, "extension")} of ${describeTtl(settings.ttlExtendSeconds)} in all`;
}

/** The sentences for a change from `before` to `after`; nothing for a base template, which is never launched. */
export function describeSettingsImpact(template: ImpactTemplate, before: TemplateSettings, after: TemplateSettings, counts: ImpactCounts): SettingsImpact {
  if (template.isBase) return NO_IMPACT;
  const changed = new Set(changedSettings(before, after));
  const lines: ImpactLine[] = [];
  const add = (text: string, ends = false) => lines.push({ text: text.charAt(0).toUpperCase() + text.slice(1), ends });
  const untouched = counts.owned > 0 ? `; ${running(counts.owned)} ${counts.owned === 1 ? "is" : "are"} not touched` : "";

  if (changed.has("enabled")) {
    if (after.enabled) add("students can launch it again.");
    else add(`students and staff can no longer launch it${untouched}.`, true);
  }
  if (changed.has("visible")) {
    if (after.visible) add("it appears in the catalog.");
    else {
      const stays = [after.enabled && "it stays launchable by its link", counts.catalogs > 0 && `it stays in ${count(counts.catalogs, "class catalog")}`].filter(Boolean);
      add(`it disappears from the catalog${stays.length ? `; ${stays.join(" and ")}` : ""}.`, true);
    }
  }

  if (["enabled", "method", "poolSize", "poolMaxSize"].some((name) => changed.has(name as SettingName))) {
    const keeps = keepsPool({ ...template, ...after });
    const plan = planPool({ size: keeps ? after.poolSize : 0, maxSize: keeps ? after.poolMaxSize : 0 }, counts);
    if (template.noCluster && (plan.remove > 0 || plan.create > 0)) {
      add(`changes no pool member while the portal has no cluster (${plan.create > 0 ? `${plan.create} to create` : `${plan.remove} to remove`} once it has one).`);
    } else if (plan.remove > 0) {
      const ready = plan.removeCurrent.ready + plan.removeOutdated.ready;
      const which = ready > 0 ? ` (${ready} of them ready)` : "";
      add(`removes ${count(plan.remove, "unclaimed pool member")}${which}${changed.has("enabled") ? "" : untouched}.`, true);
    } else if (plan.create > 0) {
      if (template.broken) add(`creates no pool member until its spec is fixed (${plan.create} due).`);
      else add(`creates ${count(plan.create, "pool member")}${plan.capped ? `: maxSize ${after.poolMaxSize} allows no more` : ""}.`);
    } else if (keeps && plan.capped) {
      add(`creates no pool member: maxSize ${after.poolMaxSize} is reached (${counts.total} now); none is ended.`);
    }
    if (keeps && before.method !== "pool") {
      add(`launches claim a warm member when one is free; otherwise they ${after.poolFallback === "refuse" ? "are refused" : "start on demand"}.`);
    }
    if (!keeps && before.method === "pool" && after.method !== "pool" && plan.remove === 0 && counts.owned > 0) {
      add(`${running(counts.owned)} from the pool ${counts.owned === 1 ? "is" : "are"} not touched.`);
    }
  }

  if (changed.has("ttlSeconds")) {
    const next = after.ttlSeconds < 0 ? "new launches never expire" : `new launches get ${describeTtl(after.ttlSeconds)}`;
    add(counts.owned > 0 ? `${running(counts.owned)} keep${counts.owned === 1 ? "s" : ""} ${counts.owned === 1 ? "its" : "their"} expiry; ${next}.` : `${next}.`);
  }
  if ((changed.has("ttlExtendSeconds") || changed.has("ttlMaxExtends")) && counts.owned > 0) {
    // Extending reads the template's rule when it happens (lib/domain/ttl.ts), so running environments follow it at once.
    add(`${running(counts.owned)} follow${counts.owned === 1 ? "s" : ""} the new extension rule at once: ${extensionRule(after)}.`);
  }
  return { lines, needsConfirmation: lines.some((line) => line.ends) };
}

/** Whether a change touches any setting that can have an impact (the form asks for a preview only then). */
export function hasImpactSettings(before: TemplateSettings, after: TemplateSettings): boolean {
  return changedSettings(before, after).some((name) => IMPACT_SETTINGS.includes(name));
}
