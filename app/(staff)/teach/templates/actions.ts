"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { AppError } from "@/lib/domain/errors";
import { createClassTemplate } from "@/lib/services/class-templates/create-class-template";
import { deleteClassTemplate } from "@/lib/services/class-templates/delete-class-template";
import { updateClassTemplate } from "@/lib/services/class-templates/update-class-template";

// The editor sends the class template as one JSON field (its parameters are a list of rows); the use cases
// check every part of it. Here it is only bounded and read.
const payload = z.string().max(256 * 1024, "The class template is too large to save.");
const editing = z.string().max(63).default("");

function readPayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The class template could not be read. Reload the page and try again.");
  }
}

export const saveClassTemplateAction = withIdentity(z.object({ editing, payload }), async (identity, input) => {
  const body = readPayload(input.payload);
  if (input.editing) {
    const { name: _name, base: _base, ...change } = (body ?? {}) as Record<string, unknown>;
    const saved = await updateClassTemplate(identity, { name: input.editing, body: change });
    revalidatePath("/teach/templates");
    return { name: saved.name, version: saved.version, changed: saved.changed };
  }
  const created = await createClassTemplate(identity, body);
  revalidatePath("/teach/templates");
  return { name: created.name, version: created.version, changed: [] as string[] };
});

export const deleteClassTemplateAction = withIdentity(z.object({ name: z.string().max(63) }), async (identity, input) => {
  const result = await deleteClassTemplate(identity, input);
  revalidatePath("/teach/templates");
  return result;
});
