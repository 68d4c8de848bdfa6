import "server-only";
import type { Settings } from "@/lib/domain/settings";
import type { ConnectionSettings, ValidationScope } from "@/lib/templates/compose";

/** What validation renders templates with: the settings in force, the claims templates may see, the template's own fields. */
export function validationScope(
  settings: Settings,
  template: { labels?: Record<string, string>; annotations?: Record<string, string> } & Partial<ConnectionSettings> = {},
): ValidationScope {
  const connection = template.connectionType ? { connectionType: template.connectionType, connectionMessageTemplate: template.connectionMessageTemplate ?? "" } : undefined;
  return { settings, exposedClaims: settings.exposedClaims, labels: template.labels, annotations: template.annotations, connection };
}
