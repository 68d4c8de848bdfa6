"use server";

import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { AppError } from "@/lib/domain/errors";
import { runClassBulkAction } from "@/lib/services/classes/run-class-bulk";

/**
 * A teacher's bulk action on their class's environments: a public POST endpoint like every server action, so
 * the use case checks again that the caller teaches the class and acts only on its students' environments.
 * The request arrives as JSON in one field, read by the same rules as the API's body (`dryRun` previews).
 */

const bulkForm = z.object({ slug: z.string().max(200), request: z.string().max(64 * 1024, "The request is too large.") });

function requestJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The bulk action could not be read.", { request: ["Send the bulk action as JSON."] });
  }
}

export const classBulkAction = withIdentity(bulkForm, async (identity, { slug, request }) => runClassBulkAction(identity, { slug, body: requestJson(request) }));
