import { apiRoute, parseInput, readJsonObject, respond } from "@/lib/api/http";
import { ClassMemberListSchema, MemberReportSchema, MembersAddSchema } from "@/lib/api/schemas/class";
import { addMembers } from "@/lib/services/classes/add-members";
import { listMembers } from "@/lib/services/classes/list-members";
import { previewMembers } from "@/lib/services/classes/preview-members";

export const dynamic = "force-dynamic";

/** 10 000 usernames of up to 63 characters, with separators and JSON quoting. */
const MAX_MEMBERS_BODY_BYTES = 1024 * 1024;

type Params = { slug: string };

export const GET = apiRoute<Params>(async ({ params, identity }) => respond(ClassMemberListSchema, await listMembers(identity, { slug: params.slug })), { permission: "teach:view" });

export const POST = apiRoute<Params>(
  async ({ request, params, identity }) => {
    const { usernames, dryRun = false } = parseInput(MembersAddSchema, await readJsonObject(request, { maxBytes: MAX_MEMBERS_BODY_BYTES }));
    const input = { slug: params.slug, names: usernames };
    const report = dryRun ? await previewMembers(identity, input) : await addMembers(identity, input);
    return respond(MemberReportSchema, { dryRun, ...report });
  },
  { permission: "class:manage" },
);
