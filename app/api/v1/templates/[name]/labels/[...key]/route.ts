import { metadataRoutes } from "@/lib/api/templates";

export const dynamic = "force-dynamic";

/** The key is the rest of the path: example.com/app as it is, or as example.com%2Fapp. */
const labels = metadataRoutes("labels");

export const GET = labels.get;

export const DELETE = labels.remove;
