import "server-only";
import { AppError, toAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { readSettings } from "@/lib/db/settings";
import { DEFAULT_LIFETIME, type LifetimeDefaults } from "@/lib/domain/settings";
import { parseTemplateDraft, type CheckedDraft, type TemplateDraft, type TemplateFieldsInput } from "@/lib/domain/template-import";
import { TemplateError } from "@/lib/templates/errors";
import type { VersionSpec } from "@/lib/templates/spec";
import { insertTemplate } from "./internal/insert-template";

export type NewTemplate = Omit<TemplateFieldsInput, "name" | "displayName"> & {
  name: string;
  displayName: string;
  spec: VersionSpec;
};

/**
 * Checks a new template's fields and spec (lib/domain/template-import.ts), as an INVALID_INPUT naming each
 * field, lifetime fields left out taking `lifetime`. Shared by the ways of creating one that have no file to
 * point into.
 */
export function checkNewTemplate(draft: TemplateDraft, lifetime: LifetimeDefaults = DEFAULT_LIFETIME): CheckedDraft {
  try {
    return parseTemplateDraft(draft, lifetime);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const converted = toAppError(error) as AppError;
    throw new AppError("INVALID_INPUT", `This template cannot be created: ${error.message}`, converted.fields);
  }
}

/** Throws what validating a template raised as the caller should see it: template problems as INVALID_INPUT. */
export function asAppError(error: unknown): never {
  throw toAppError(error);
}

/**
 * Creates a template with its first version, validated in full like every later save. Its fields are
 * checked for type and range (`templateFieldsSchema`), and its name must be free, deleted templates' names
 * included. A lifetime left out is the settings' default lifetime.
 */
export async function createTemplate(identity: Identity | null, input: NewTemplate) {
  assertCan(identity, "template:edit");
  const { spec, ...fields } = (input ?? {}) as Partial<NewTemplate>;
  const draft = checkNewTemplate({ fields, spec }, (await readSettings()).lifetime);
  return insertTemplate(identity, draft, { action: "template.create", message: "Created" }).catch(asAppError);
}
