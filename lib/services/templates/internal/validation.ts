import "server-only";
import { getConfig } from "@/lib/config";
import type { Settings } from "@/lib/domain/settings";
import type { ValidationScope } from "@/lib/templates/compose";

/** What validation renders templates with: the settings in force and the claims templates may see. */
export function validationScope(settings: Settings, template: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): ValidationScope {
  return { settings, exposedClaims: getConfig().exposedClaims, labels: template.labels, annotations: template.annotations };
}
