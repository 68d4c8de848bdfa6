import "server-only";
import { isListedForClasses } from "@/lib/db/class-templates";
import { memberClassIds } from "@/lib/db/classes";
import type { LoadedTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { audienceOf } from "@/lib/domain/problems";
import type { ComposedSpec, TemplateLayer } from "@/lib/templates/inheritance";

/** A loaded template whose chain composed: one that can be rendered. */
export type LaunchableTemplate = LoadedTemplate & { chain: TemplateLayer[]; composed: ComposedSpec; error: null };

/**
 * Why a template that is not a base cannot be launched, for the caller; null when nothing is wrong with it.
 * Staff read the validation problem, which names the fix; students only that someone must fix it, since the
 * problem quotes the template's inner workings (values, chart, claims).
 */
export function brokenReason(template: LoadedTemplate, identity: Identity | null): string | null {
  const problem = template.validationError ?? template.error?.message ?? null;
  if (!problem) return null;
  const sentence = `"${template.displayName}" cannot be launched until an administrator fixes it`;
  return audienceOf(identity) === "staff" ? `${sentence}: ${problem}` : `${sentence}. Try again later or ask your teacher.`;
}

/**
 * A template that can be launched, or the error that says why not: base templates are NOT_FOUND (they are
 * never launched), broken ones UNAVAILABLE with the reason, and, when `launching`, disabled ones NOT_FOUND
 * with "disabled". Hidden templates are fine: they are launched by name.
 */
export function requireLaunchable(template: LoadedTemplate, identity: Identity | null, options: { launching: boolean }): LaunchableTemplate {
  if (template.isBase) throw new AppError("NOT_FOUND", `"${template.name}" is a base template for other templates and cannot be launched itself.`);
  const broken = brokenReason(template, identity);
  if (broken) throw new AppError("UNAVAILABLE", broken);
  if (options.launching && !template.enabled) {
    throw new AppError("NOT_FOUND", `"${template.displayName}" is disabled by an administrator and cannot be launched right now.`);
  }
  return template as LaunchableTemplate;
}

/**
 * Refuses a class template to anyone but its owner, an admin, and the members of a class whose catalogs
 * list it, as NOT_FOUND with the words of an unknown name (whether it exists is nobody else's business).
 * A system template (no owner) passes without a query: the launch path stays as fast as before.
 */
export async function assertMayUseClassTemplate(template: Pick<LoadedTemplate, "id" | "name" | "ownerId">, identity: Identity): Promise<void> {
  if (template.ownerId === null) return;
  if (identity.roles.includes("admin") || identity.userId === template.ownerId) return;
  const classIds = identity.source === "system" ? [] : await memberClassIds(identity);
  if (await isListedForClasses(template.id, classIds)) return;
  throw new AppError("NOT_FOUND", `There is no template named "${template.name}".`);
}
