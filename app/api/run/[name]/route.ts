import { apiRoute, noContent, queryValues } from "@/lib/api/http";
import { launchResponse } from "@/lib/api/launch";
import { launchInstance } from "@/lib/services/instances/launch";
import { releaseInstance } from "@/lib/services/instances/release";

export const dynamic = "force-dynamic";

/** Dploy-compatible launch: a GET that creates, so it gets the CSRF guard of a state change. */
export const GET = apiRoute<{ name: string }>(
  async ({ request, params, identity }) => launchResponse(await launchInstance(identity, { template: params.name, params: queryValues(request), paramsAreText: true })),
  { changesState: true },
);

export const DELETE = apiRoute<{ name: string }>(async ({ params, identity }) => {
  await releaseInstance(identity, { template: params.name });
  return noContent();
});
