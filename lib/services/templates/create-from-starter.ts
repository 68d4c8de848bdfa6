import "server-only";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { readSettings } from "@/lib/db/settings";
import { findStarter, STARTERS, starterDraft } from "@/lib/templates/starters";
import { asAppError, checkNewTemplate } from "./create-template";
import { insertTemplate } from "./internal/insert-template";

export interface StarterInput {
  starter: unknown;
  name: unknown;
  displayName: unknown;
  /** True for a base template: never listed or launched, other templates extend it. */
  isBase?: unknown;
}

/**
 * Creates a template from a starter (lib/templates/starters.ts: blank, web terminal, VS Code, Jupyter,
 * database) under the name and display name the admin chose, as a base template if asked.
 */
export async function createTemplateFromStarter(identity: Identity | null, input: StarterInput) {
  assertCan(identity, "template:edit");
  const starter = findStarter(input?.starter);
  if (!starter) {
    const known = STARTERS.map((s) => s.id).join(", ");
    throw new AppError("INVALID_INPUT", `Choose a starter: ${known}.`, { starter: [`must be one of ${known}`] });
  }
  // A starter without a lifetime of its own (the blank one) takes the settings' default lifetime.
  const draft = checkNewTemplate(starterDraft(starter, { name: input.name, displayName: input.displayName, isBase: input.isBase }), (await readSettings()).lifetime);
  return insertTemplate(identity, draft, {
    action: "template.create",
    message: `Created from the ${starter.title} starter${draft.fields.isBase ? " as a base template" : ""}`,
    origin: { starter: starter.id },
  }).catch(asAppError);
}
