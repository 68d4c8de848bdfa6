"use server";

import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { AppError } from "@/lib/domain/errors";
import { previewSettings } from "@/lib/services/settings/preview-settings";
import { saveSettings } from "@/lib/services/settings/save-settings";

/** The form sends its typed values as JSON in one field; the use case validates them. */
const settingsForm = z.object({ settings: z.string().max(256 * 1024, "The settings are too large."), confirm: z.enum(["true", "false"]).optional() });

function settingsJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The settings could not be read.", { settings: ["Send the settings as JSON."] });
  }
}

// No revalidatePath: pages read the settings per request, and the worker is woken by the use case.
export const saveSettingsAction = withIdentity(settingsForm, (identity, { settings, confirm }) =>
  saveSettings(identity, { settings: settingsJson(settings), confirm: confirm === "true" }),
);

export const previewSettingsAction = withIdentity(settingsForm, (identity, { settings }) => previewSettings(identity, { settings: settingsJson(settings) }));
