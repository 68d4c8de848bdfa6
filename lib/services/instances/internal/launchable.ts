import "server-only";
import type { LoadedTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";
import type { ComposedSpec, TemplateLayer } from "@/lib/templates/inheritance";

/** A loaded template whose chain composed: one that can be rendered. */
export type LaunchableTemplate = LoadedTemplate & { chain: TemplateLayer[]; composed: ComposedSpec; error: null };

/** Why a template that is not a base cannot be launched, for people; null when nothing is wrong with it. */
export function brokenReason(template: LoadedTemplate): string | null {
  const problem = template.validationError ?? template.error?.message ?? null;
  return problem && `"${template.displayName}" cannot be launched until an administrator fixes it: ${problem}`;
}

/**
 * A template that can be launched, or the error that says why not: base templates are NOT_FOUND (they are
 * never launched), broken ones UNAVAILABLE with the reason, and, when `launching`, disabled ones NOT_FOUND
 * with "disabled". Hidden templates are fine: they are launched by name.
 */
export function requireLaunchable(template: LoadedTemplate, options: { launching: boolean }): LaunchableTemplate {
  if (template.isBase) throw new AppError("NOT_FOUND", `"${template.name}" is a base template for other templates and cannot be launched itself.`);
  const broken = brokenReason(template);
  if (broken) throw new AppError("UNAVAILABLE", broken);
  if (options.launching && !template.enabled) {
    throw new AppError("NOT_FOUND", `"${template.displayName}" is disabled by an administrator and cannot be launched right now.`);
  }
  return template as LaunchableTemplate;
}
