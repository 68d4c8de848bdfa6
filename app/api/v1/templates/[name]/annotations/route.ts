import { metadataRoutes } from "@/lib/api/templates";

export const dynamic = "force-dynamic";

const annotations = metadataRoutes("annotations");

export const GET = annotations.list;

/** Sets one: 201 when it is new, 200 when it replaced a value. */
export const POST = annotations.set;
