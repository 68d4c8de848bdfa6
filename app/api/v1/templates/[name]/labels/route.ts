import { metadataRoutes } from "@/lib/api/templates";

export const dynamic = "force-dynamic";

const labels = metadataRoutes("labels");

export const GET = labels.list;

/** Sets one: 201 when it is new, 200 when it replaced a value. */
export const POST = labels.set;
