import "server-only";
import { readSettings } from "@/lib/db/settings";
import { invalidateTemplateCache, loadLibrary, recordValidation } from "@/lib/db/templates";
import { db } from "@/lib/db/client";
import { TemplateError } from "@/lib/templates/errors";
import { validateChain } from "@/lib/templates/compose";
import { resolveChain } from "@/lib/templates/inheritance";
import { validationScope } from "@/lib/services/templates/internal/validation";

/**
 * Validates every template against a stand-in user, with the settings in force (at start-up, and whenever
 * asked), and records the outcome: a broken template is reported and left out of the catalog instead of
 * breaking it. Runs as the portal itself, before anyone signs in.
 */
export async function validateAllTemplates(): Promise<{ name: string; error: string | null }[]> {
  const [library, settings] = await Promise.all([loadLibrary(db()), readSettings()]);
  const results: { name: string; error: string | null }[] = [];
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
    await recordValidation(entry.id, error);
    results.push({ name, error });
  }
  invalidateTemplateCache();
  return results;
}
