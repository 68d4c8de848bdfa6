import { apiRoute, noContent } from "@/lib/api/http";
import { removeTeacher } from "@/lib/services/classes/remove-teacher";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ slug: string; username: string }>(
  async ({ params, identity }) => {
    await removeTeacher(identity, { slug: params.slug, username: params.username });
    return noContent();
  },
  { permission: "class:manage" },
);
