import "server-only";
import { recordAudit } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { LOCKS, POOL_WAKE_PREFIX, WAKE_CHANNEL } from "@/lib/db/coordination";
import { invalidateTemplateCache, lockTemplateSettings, writeTemplateSettings, type LoadedTemplate } from "@/lib/db/templates";
import { AppError, toAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { NO_IMPACT, type SettingsImpact } from "@/lib/domain/settings-impact";
import { baseTemplateProblems, changedSettings, teacherPolicyProblems, pickTemplateSettings, type SettingName, type SettingsFieldErrors, type TemplateSettings } from "@/lib/domain/template-settings";
import { checkMessageTemplate } from "@/lib/templates/connection";
import { validateChain } from "@/lib/templates/compose";
import { TemplateError, formatIssue } from "@/lib/templates/errors";
import { checkValuesTemplate, USER_VARIABLES } from "@/lib/templates/render";
import { settingsImpact } from "./settings";
import { validationScope } from "./validation";

export interface SaveSettingsResult {
  /** The settings that changed; empty when the save changed nothing (and wrote nothing). */
  changed: SettingName[];
  /** The settings as they are now. */
  settings: TemplateSettings;
  /** What the change does, as it was when saved. */
  impact: SettingsImpact;
}

/** Settings whose change can break a render: the pool rule, the connection message, CEL reading labels and annotations. */
const RENDERED_SETTINGS: readonly SettingName[] = ["method", "connectionType", "connectionMessageTemplate", "labels", "annotations"];

function pick(settings: TemplateSettings, names: SettingName[]): Partial<TemplateSettings> {
  return Object.fromEntries(names.map((name) => [name, settings[name]]));
}

/**
 * Why a template's spec cannot become a pool, naming each per-user variable and the layer that reads it, or
 * null. Pool members are rendered before anyone claims them, so no layer may read owner, params or claims.
 */
function poolProblem(template: LoadedTemplate): string | null {
  if (template.error) return `Its spec must be fixed before it can become a pool: ${template.error.message}`;
  const uses: string[] = [];
  for (const layer of template.chain) {
    try {
      checkValuesTemplate(layer.spec.valuesTemplate, { pool: true });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const names = USER_VARIABLES.filter((name) => error.issues.some((issue) => issue.message.includes(`"${name}"`)));
      if (names.length) uses.push(`${names.map((n) => `"${n}"`).join(" and ")} in the values template of ${layer.name === template.name ? "this template" : `"${layer.name}"`}`);
    }
  }
  if (uses.length === 0) return null;
  return `A warm pool prepares members before anyone claims them, so its spec cannot use who launches it, but it uses ${uses.join(", ")}. Change the spec first.`;
}

/** A template problem of the new settings, as errors on the fields that caused it. */
function renderProblems(error: TemplateError, changed: SettingName[]): SettingsFieldErrors {
  const fields: SettingsFieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.startsWith("connectionMessageTemplate")
      ? "connectionMessageTemplate"
      : (["labels", "annotations", "method"] as const).find((name) => changed.includes(name)) ?? "settings";
    (fields[field] ??= []).push(formatIssue({ ...issue, path: issue.path.startsWith("connectionMessageTemplate") ? "" : issue.path }));
  }
  return fields;
}

/**
 * Saves a loaded template's settings as `after` (already valid by the settings schema): checked against the
 * spec (a pool cannot read who launches it; the connection message and CEL must still render), refused
 * without `confirm` when it ends or removes something, and written with an audit entry of the changed fields
 * in one transaction that also wakes the worker's pool controller for the template. The settings the template
 * was loaded with are what the change is made from: if they changed meanwhile, the save is refused rather
 * than undoing someone else's change. An unchanged save writes nothing.
 *
 * A base template is never launched, so it takes only what describes it (BASE_TEMPLATE_SETTINGS).
 */
export async function saveTemplateSettings(identity: Identity, template: LoadedTemplate, after: TemplateSettings, confirm: boolean | undefined): Promise<SaveSettingsResult> {
  const before = pickTemplateSettings(template);
  const changed = changedSettings(before, after);
  if (changed.length === 0) return { changed, settings: before, impact: NO_IMPACT };

  const policyProblems = teacherPolicyProblems(template, changed);
  if (Object.keys(policyProblems).length > 0) throw new AppError("INVALID_INPUT", "Only a system base template can be opened to teachers.", policyProblems);
  if (template.isBase) {
    const problems = baseTemplateProblems(changed);
    if (Object.keys(problems).length > 0) throw new AppError("INVALID_INPUT", "A base template is never launched: only how it is described can change.", problems);
  } else {
    if (after.method === "pool" && before.method !== "pool") {
      const problem = poolProblem(template);
      if (problem) throw new AppError("INVALID_INPUT", problem, { method: [problem] });
    }
    if (changed.some((name) => RENDERED_SETTINGS.includes(name))) {
      try {
        if (template.chain) await validateChain(template.chain, after.method, validationScope(template.settings, after));
        else if (after.connectionType === "instructions") checkMessageTemplate(after.connectionMessageTemplate, { pool: after.method === "pool" });
      } catch (error) {
        if (!(error instanceof TemplateError)) throw toAppError(error);
        throw new AppError("INVALID_INPUT", `These settings would break the template: ${error.message}`, renderProblems(error, changed));
      }
    }
  }

  const impact = await settingsImpact(template, after);
  if (impact.needsConfirmation && confirm !== true) {
    const ends = impact.lines.filter((line) => line.ends).map((line) => line.text);
    throw new AppError("CONFLICT", `Confirm this change: ${ends.join(" ")}`, { confirm: ends });
  }

  await db().$transaction(async (tx) => {
    // The spec lock: a spec saved meanwhile could start reading who launches it while this makes it a pool.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCKS.templateSave}::int)`;
    const current = await lockTemplateSettings(tx, template.id);
    if (!current) throw new AppError("NOT_FOUND", `There is no template named "${template.name}".`);
    if (current.latestVersionId !== template.latest.id) {
      throw new AppError("CONFLICT", "The template's spec changed while you were saving. Reload the page and save again.");
    }
    if (changedSettings(before, current.settings).length > 0) {
      throw new AppError("CONFLICT", "Someone else changed this template's settings meanwhile. Reload the page to see them, then save again.");
    }
    await writeTemplateSettings(tx, template.id, pick(after, changed));
    await recordAudit(tx, {
      actor: identity,
      action: "template.settings",
      objectType: "template",
      objectId: template.id,
      before: pick(before, changed),
      after: pick(after, changed),
    });
    // The pool controller looks at this template at once (more or fewer members, or none).
    await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${POOL_WAKE_PREFIX + template.id})`;
  });
  invalidateTemplateCache();
  return { changed, settings: after, impact };
}
