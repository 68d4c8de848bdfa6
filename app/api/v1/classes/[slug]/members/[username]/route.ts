import { apiRoute, noContent } from "@/lib/api/http";
import { removeMember } from "@/lib/services/classes/remove-member";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ slug: string; username: string }>(
  async ({ params, identity }) => {
    await removeMember(identity, { slug: params.slug, username: params.username });
    return noContent();
  },
  { permission: "class:manage" },
);
