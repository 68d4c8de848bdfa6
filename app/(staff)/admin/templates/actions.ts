"use server";

import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { createTemplateFromStarter } from "@/lib/services/templates/create-from-starter";
import { deleteTemplate } from "@/lib/services/templates/delete-template";
import { duplicateTemplate } from "@/lib/services/templates/duplicate-template";
import { importTemplate } from "@/lib/services/templates/import-template";
import { previewTemplateImport } from "@/lib/services/templates/preview-import";
import { restoreTemplate } from "@/lib/services/templates/restore-template";

// Form text is bounded here only against abuse; the use cases check each field's real rules and say which.
const name = z.string().max(200);
const displayName = z.string().max(500);
// A template file is at most 1 MiB (checked in bytes by the use case); characters are never more than bytes.
const yaml = z.string().max(1024 * 1024, "The file is larger than 1 MiB.");

// No revalidatePath: every admin page is rendered per request (it reads the session), and each form moves on
// to the page that shows the outcome.

// A checked box arrives as "on", an unchecked one not at all.
const checkbox = z.literal("on").optional().transform((value) => value === "on");

export const createTemplateAction = withIdentity(z.object({ starter: z.string().max(40), name, displayName, isBase: checkbox }), async (identity, input) => {
  const template = await createTemplateFromStarter(identity, input);
  return { name: template.name };
});

export const duplicateTemplateAction = withIdentity(z.object({ source: z.string().max(200), name, displayName: displayName.default("") }), async (identity, input) => {
  const template = await duplicateTemplate(identity, input);
  return { name: template.name };
});

export const previewImportAction = withIdentity(z.object({ yaml, name: name.default("") }), (identity, input) => previewTemplateImport(identity, input));

export const importTemplateAction = withIdentity(z.object({ yaml, name: name.default("") }), async (identity, input) => {
  const outcome = await importTemplate(identity, input);
  return { name: outcome.fields.name };
});

export const deleteTemplateAction = withIdentity(z.object({ name, instances: z.string().max(10) }), (identity, input) => deleteTemplate(identity, input));

export const restoreTemplateAction = withIdentity(z.object({ name }), (identity, input) => restoreTemplate(identity, input));
