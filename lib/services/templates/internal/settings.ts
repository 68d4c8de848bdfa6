import "server-only";
import { getLaunchAvailability } from "@/lib/services/instances/internal/launch-availability";
import { sqlPool } from "@/lib/db/client";
import { countTemplateInstances } from "@/lib/db/instances";
import { countCatalogsListing, type LoadedTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import { describeSettingsImpact, IMPACT_SETTINGS, NO_IMPACT, type SettingsImpact } from "@/lib/domain/settings-impact";
import { changedSettings, parseTemplateSettings, pickTemplateSettings, type TemplateSettings } from "@/lib/domain/template-settings";

/** Settings from a caller, or INVALID_INPUT with an error per field (the form's own messages). */
export function requireTemplateSettings(input: unknown): TemplateSettings {
  const parsed = parseTemplateSettings(input);
  if (!parsed.ok) throw new AppError("INVALID_INPUT", "Please correct the highlighted settings.", parsed.fieldErrors);
  return parsed.settings;
}

/** A confirmation flag from a caller: absent, true or false; anything else is INVALID_INPUT. */
export function requireConfirmFlag(confirm: unknown): asserts confirm is boolean | undefined {
  if (confirm !== undefined && typeof confirm !== "boolean") {
    throw new AppError("INVALID_INPUT", "Confirm with true or false.", { confirm: ["Confirm with true or false."] });
  }
}

/**
 * What changing a loaded template's settings to `after` does, from the counts in the database now: the
 * sentences of `describeSettingsImpact`. Reads nothing when no setting with an impact changes.
 */
export async function settingsImpact(template: LoadedTemplate, after: TemplateSettings): Promise<SettingsImpact> {
  const before = pickTemplateSettings(template);
  const changed = changedSettings(before, after);
  if (template.isBase || !changed.some((name) => IMPACT_SETTINGS.includes(name))) return NO_IMPACT;
  const [counts, catalogs] = await Promise.all([
    // Members of older versions count as the worker counts them: it is replacing them.
    countTemplateInstances(sqlPool(), template.id, template.error ? null : template.latest.version),
    changed.includes("visible") ? countCatalogsListing(template.id) : Promise.resolve(0),
  ]);
  return describeSettingsImpact(
    { isBase: template.isBase, validationError: template.validationError, broken: template.error !== null, noCluster: !getLaunchAvailability(null).available },
    before,
    after,
    { ...counts, catalogs },
  );
}
