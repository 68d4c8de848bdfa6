import "server-only";
import { readSettings } from "@/lib/db/settings";
import type { Settings } from "@/lib/domain/settings";
import { invalidateTemplateCache, loadLibrary, recordValidation } from "@/lib/db/templates";
import { db } from "@/lib/db/client";
import { TemplateError } from "@/lib/templates/errors";
import { validateChain } from "@/lib/templates/compose";
import { resolveChain } from "@/lib/templates/inheritance";
import { validationScope } from "@/lib/services/templates/internal/validation";

/**
 * Validates every template against a stand-in user, with the settings in force (at start-up, and after a
 * settings change), and records the outcome: a broken template is reported and left out of the catalog
 * instead of breaking it. Runs as the portal itself, before anyone signs in. With `settings` it validates
 * against those instead and records nothing: what a settings change would do, before it is saved.
 */
export async function validateAllTemplates(options: { settings?: Settings } = {}): Promise<{ name: string; error: string | null; was: string | null }[]> {
  const [library, settings, recorded] = await Promise.all([
    loadLibrary(db()),
    options.settings ?? readSettings(),
    db().template.findMany({ where: { deletedAt: null }, select: { name: true, validationError: true } }),
  ]);
  const was = new Map(recorded.map((t) => [t.name, t.validationError]));
  const record = options.settings === undefined;
  const results: { name: string; error: string | null; was: string | null }[] = [];
  for (const entry of [...library.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const { name } = entry;
    let error: string | null = null;
    try {
      await validateChain(
        resolveChain(name, (n) => library.get(n)),
        entry.method,
        validationScope(settings, entry),
      );
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      error = e.message.slice(0, 4000);
    }
    if (record) await recordValidation(entry.id, error);
    results.push({ name, error, was: was.get(name) ?? null });
  }
  if (record) invalidateTemplateCache();
  return results;
}
