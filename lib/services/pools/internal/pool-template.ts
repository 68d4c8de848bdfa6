import "server-only";
import { loadTemplate, type LoadedTemplate } from "@/lib/db/templates";
import { AppError } from "@/lib/domain/errors";

/**
 * The pool template a pool use case is about, or NOT_FOUND: an unknown name (anything that is not a template
 * name never reaches the database), a base template, or a template launched on demand, which has no pool.
 * Checks no permission: the use cases that call it do, first.
 */
export async function loadPoolTemplate(name: unknown): Promise<LoadedTemplate> {
  if (typeof name !== "string") throw new AppError("NOT_FOUND", "There is no template by that name.");
  const template = await loadTemplate({ name });
  if (template.isBase || template.method !== "pool") throw new AppError("NOT_FOUND", `Template "${template.name}" is not a warm pool.`);
  return template;
}
