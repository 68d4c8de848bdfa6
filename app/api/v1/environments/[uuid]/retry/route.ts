import { apiRoute, respond } from "@/lib/api/http";
import { RetryResultSchema } from "@/lib/api/schemas/admin-environment";
import { retryInstance } from "@/lib/services/instances/retry";

export const dynamic = "force-dynamic";

/** Ends a failed environment and launches its template again for the same owner with the same parameters. */
export const POST = apiRoute<{ uuid: string }>(async ({ params, identity }) => {
  const { retried, outcome, environment } = await retryInstance(identity, { uuid: params.uuid });
  const body = { ...environment, outcome, retried };
  return outcome === "existing" ? respond(RetryResultSchema, body) : respond(RetryResultSchema, body, 201, { Location: `/api/v1/environments/${environment.uuid}` });
});
