import "server-only";
import { AppError } from "@/lib/domain/errors";
import type { Settings } from "@/lib/domain/settings";
import { parseSettingsForm } from "@/lib/domain/settings-form";
import { findNul } from "@/lib/domain/text";
import { checkUrlTemplate } from "@/lib/templates/url";

/** The settings form's input as settings, or INVALID_INPUT with the problems beside their fields. */
export function parseSettingsInput(input: unknown): Settings {
  const nul = findNul(input);
  if (nul) throw new AppError("INVALID_INPUT", `${nul} must not contain a NUL character.`, { [nul.split(/[.[]/)[0]!]: ["must not contain a NUL character"] });
  const parsed = parseSettingsForm(input);
  if (!parsed.ok) throw new AppError("INVALID_INPUT", "Please correct the highlighted settings.", parsed.fieldErrors);
  const template = parsed.settings.connectionUrlTemplate;
  if (template) {
    try {
      checkUrlTemplate(template);
    } catch (error) {
      const message = (error as Error).message;
      throw new AppError("INVALID_INPUT", "Please correct the highlighted settings.", { connectionUrlTemplate: [message] });
    }
  }
  return parsed.settings;
}
