import { apiRoute, json, noContent } from "@/lib/api/http";
import { getEnvironment } from "@/lib/services/environments";
import { releaseInstance } from "@/lib/services/release";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ uuid: string }>(async ({ params, identity }) => json(await getEnvironment(identity, { uuid: params.uuid })));

export const DELETE = apiRoute<{ uuid: string }>(async ({ params, identity }) => {
  await releaseInstance(identity, { uuid: params.uuid });
  return noContent();
});
