"use server";

import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { AppError } from "@/lib/domain/errors";
import { previewBulkAction } from "@/lib/services/instances/preview-bulk";
import { retryInstance } from "@/lib/services/instances/retry";
import { runBulkAction } from "@/lib/services/instances/run-bulk";

/**
 * The admin's actions on environments. Each is a public POST endpoint: `withIdentity` re-reads the caller and
 * the use cases check that it is an admin. None revalidates a path: the pages follow changes through their
 * queries. A bulk action arrives as JSON in one field, read by the same rules as the API's body.
 */

const bulkForm = z.object({ request: z.string().max(64 * 1024, "The request is too large.") });

function requestJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The bulk action could not be read.", { request: ["Send the bulk action as JSON."] });
  }
}

export const bulkPreviewAction = withIdentity(bulkForm, async (identity, { request }) => previewBulkAction(identity, requestJson(request)));

export const bulkAction = withIdentity(bulkForm, async (identity, { request }) => runBulkAction(identity, requestJson(request)));

export const retryAction = withIdentity(z.object({ uuid: z.string().regex(/^[0-9a-f]{8}$/, "Not an environment id.") }), async (identity, { uuid }) => {
  const { retried, outcome, environment } = await retryInstance(identity, { uuid });
  return { retried, outcome, uuid: environment.uuid };
});
