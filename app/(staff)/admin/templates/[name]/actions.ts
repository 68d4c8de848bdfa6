"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { AppError } from "@/lib/domain/errors";
import type { RecycleScope } from "@/lib/domain/pool-state";
import { recyclePool } from "@/lib/services/pools/recycle-pool";
import { previewTemplate } from "@/lib/services/templates/preview";
import { previewSettingsImpact } from "@/lib/services/templates/preview-settings-impact";
import { updateTemplateSettings } from "@/lib/services/templates/update-settings";
import { rollbackTemplate } from "@/lib/services/templates/rollback";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";
import { specFormSchema, specFromForm } from "@/lib/templates/spec-form";

export const saveSpecAction = withIdentity(specFormSchema, async (identity, form) => {
  const result = await saveTemplateSpec(identity, { name: form.name, spec: specFromForm(form), message: form.message });
  revalidatePath(`/admin/templates/${form.name}`);
  return result;
});

export const rollbackAction = withIdentity(
  z.object({ name: z.string().min(1).max(63), version: z.coerce.number().int().min(1) }),
  async (identity, { name, version }) => {
    const result = await rollbackTemplate(identity, { name, version });
    revalidatePath(`/admin/templates/${name}`);
    return result;
  },
);

export const previewAction = withIdentity(
  z.object({ name: z.string().min(1).max(63), params: z.string().max(256 * 1024) }),
  async (identity, { name, params }) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params || "{}");
    } catch {
      parsed = params;
    }
    const preview = await previewTemplate(identity, { name, params: parsed });
    return { version: preview.version, valuesYaml: preview.valuesYaml, connectionMessage: preview.connectionMessage };
  },
);

/** The settings form sends its typed values as JSON in one field; the use case validates them. */
const settingsForm = z.object({
  name: z.string().min(1).max(63),
  settings: z.string().max(512 * 1024, "The settings are too large."),
  confirm: z.enum(["true", "false"]).optional(),
});

function settingsJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The settings could not be read.", { settings: ["Send the settings as JSON."] });
  }
}

export const updateSettingsAction = withIdentity(settingsForm, async (identity, { name, settings, confirm }) => {
  const result = await updateTemplateSettings(identity, { name, settings: settingsJson(settings), confirm: confirm === "true" });
  if (result.changed.length > 0) {
    revalidatePath(`/admin/templates/${name}`);
    revalidatePath("/admin");
  }
  return result;
});

export const previewSettingsImpactAction = withIdentity(settingsForm, async (identity, { name, settings }) =>
  previewSettingsImpact(identity, { name, settings: settingsJson(settings) }),
);

/** The scope is any text here: the use case checks it, and its refusal names the choices. */
export const recyclePoolAction = withIdentity(z.object({ name: z.string().min(1).max(63), scope: z.string().max(20) }), async (identity, { name, scope }) =>
  recyclePool(identity, { name, scope: scope as RecycleScope }),
);
