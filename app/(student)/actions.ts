"use server";

import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { extendInstance } from "@/lib/services/instances/extend";
import { launchInstance } from "@/lib/services/instances/launch";
import { releaseInstance } from "@/lib/services/instances/release";
import { createApiToken } from "@/lib/services/tokens/create-token";
import { revokeApiToken } from "@/lib/services/tokens/revoke-token";
import { MAX_PARAMETER_STRING } from "@/lib/templates/parameters";

/**
 * The student's mutations: launch, extend, delete, and personal API tokens. Each is a public POST
 * endpoint: `withIdentity` re-reads the caller, and the services check what the caller may touch. None
 * revalidates a path: the student pages are rendered on every request and follow changes through their
 * queries, and a revalidation would send a whole re-rendered page back with every answer.
 */

/** Launch parameters arrive as form fields named `param:<name>`, as text typed by the template's schema. */
const PARAM_PREFIX = "param:";
const launchSchema = z
  .object({ name: z.string().min(1, "Which template?").max(63, "No template has a name that long.") })
  .catchall(z.string().max(MAX_PARAMETER_STRING, `At most ${MAX_PARAMETER_STRING} characters.`));

export const launchAction = withIdentity(launchSchema, async (identity, form) => {
  const params = Object.fromEntries(
    Object.entries(form)
      // An empty field is a parameter not given, as in the browser's form: its default applies, or "required".
      .filter(([key, value]) => key.startsWith(PARAM_PREFIX) && value !== "")
      .map(([key, value]) => [key.slice(PARAM_PREFIX.length), value as string]),
  );
  const { outcome, environment } = await launchInstance(identity, { template: form.name, params, paramsAreText: true });
  return { outcome, environment };
});

const instanceSchema = z.object({ uuid: z.string().regex(/^[0-9a-f]{8}$/, "Not an environment id.") });

export const extendAction = withIdentity(instanceSchema, async (identity, { uuid }) => {
  const environment = await extendInstance(identity, { uuid });
  return { environment };
});

export const deleteAction = withIdentity(instanceSchema, async (identity, { uuid }) => {
  const environment = await releaseInstance(identity, { uuid });
  return { environment };
});

export const createTokenAction = withIdentity(z.object({ name: z.string(), expiresInDays: z.string().optional() }), async (identity, form) => {
  const { token, summary } = await createApiToken(identity, { name: form.name, expiresInDays: form.expiresInDays || undefined });
  return { token, id: summary.id };
});

export const revokeTokenAction = withIdentity(z.object({ id: z.string().max(100) }), async (identity, { id }) => {
  await revokeApiToken(identity, { id });
  return { revoked: true };
});
