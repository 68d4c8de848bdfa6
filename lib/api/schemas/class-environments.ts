import { z } from "zod";
import { BULK_ACTIONS } from "@/lib/domain/bulk-action";
import { CLASS_VIEW_STATUSES, MAX_CLASS_BULK } from "@/lib/domain/class-view";
import { PHASES } from "@/lib/domain/phase";
import { integer } from "./common";
import { requestSchema, responseSchema } from "./registry";

/** A class's environments over the REST API: `/api/v1/classes/{slug}/environments` (the class view) and its `/bulk`. */

const dateTime = () => z.iso.datetime();

const cell = z.object({
  template: z.string().describe("The template's name (a column)."),
  state: z.enum(["not-started", "starting", "running", "failed", "ending"]),
  uuid: z.string().regex(/^[0-9a-f]{8}$/).nullable().describe("The live environment's id; null when none is live."),
  phase: z.enum(PHASES).nullable(),
  health: z.string().nullable(),
  expiresAt: dateTime().nullable(),
  expiringSoon: z.boolean().describe("True when it runs out within 30 minutes."),
  launchedAt: dateTime().nullable().describe("When the environment shown (live, else the latest ended) was launched; null when never."),
  extensionsLeft: integer().nullable(),
  sharedWith: z.string().nullable().describe("For a group-owned template: the group that shares this one environment."),
  canOpen: z.boolean().describe("True when the caller may open it now through /teach/classes/{slug}/open/{uuid}."),
});

const counts = z.object({ running: integer(), starting: integer(), failed: integer(), expiring: integer(), notStarted: integer() });

export const ClassEnvironmentsSchema = responseSchema(
  "ClassEnvironments",
  z
    .object({
      class: z.object({ slug: z.string(), title: z.string(), archived: z.boolean() }),
      query: z.object({ status: z.enum(CLASS_VIEW_STATUSES).nullable(), search: z.string() }).describe("The filter as it was understood (what was not understood is ignored)."),
      templates: z.array(
        z.object({
          name: z.string(),
          displayName: z.string(),
          ownership: z.enum(["user", "group", "email", "claim"]).describe("group: one environment shared by the members of a group; otherwise each student's own."),
          teacherAccess: z.boolean(),
        }),
      ),
      students: z.array(z.object({ username: z.string(), displayName: z.string().nullable(), cells: z.array(cell).describe("One per template, in the templates' order.") })),
      studentCount: integer().describe("Students in the class, whatever the filter."),
      counts: counts.describe("Cells by state over the whole class."),
      summary: z.string(),
      observedAt: dateTime(),
    })
    .describe("A class's students by the templates of its catalogs, each cell the student's environment now."),
);

export const ClassEnvironmentsQuerySchema = requestSchema(
  "ClassEnvironmentsQuery",
  z.object({
    status: z.string().max(100).optional().describe(`Keep students with an environment ${CLASS_VIEW_STATUSES.join(", ")}; anything else is ignored.`),
    q: z.string().max(1000).optional().describe("Text the student's username or name contains."),
  }),
);

export const ClassBulkRequestSchema = requestSchema(
  "ClassBulkRequest",
  z
    .strictObject({
      action: z.enum(BULK_ACTIONS),
      uuids: z.array(z.string().regex(/^[0-9a-f]{8}$/)).min(1).max(MAX_CLASS_BULK).optional().describe("The environments to act on; those not of this class are reported as not found."),
      students: z.array(z.string().min(1).max(63)).min(1).max(MAX_CLASS_BULK).nullable().optional().describe("Usernames of the class's students (every student when left out); not with uuids."),
      template: z.string().max(63).nullable().optional().describe("One of the class's templates (all when left out); not with uuids."),
      confirm: integer().min(0).max(MAX_CLASS_BULK).nullable().optional().describe("The count the preview gave; required to act."),
      dryRun: z.boolean().optional().describe("True to only say what would happen, changing nothing."),
    })
    .describe("Picked environments by uuid, or picked students (all) of one template (all)."),
);

const item = z.object({
  uuid: z.string(),
  template: z.string().nullable(),
  owner: z.string().nullable(),
  phase: z.enum(PHASES).nullable(),
  outcome: z.enum(["ended", "extended", "already-ending", "refused", "not-found"]),
  reason: z.string().nullable().describe("Why it was not ended or extended."),
  expiresAt: dateTime().nullable().describe("For an extended environment: its new expiry."),
});

export const ClassBulkResultSchema = responseSchema(
  "ClassBulkResult",
  z.object({
    action: z.enum(BULK_ACTIONS),
    dryRun: z.boolean(),
    count: integer().describe("How many environments the action was asked to act on: the count to confirm."),
    counts: z.object({ ended: integer(), extended: integer(), "already-ending": integer(), refused: integer(), "not-found": integer() }),
    summary: z.string(),
    question: z.string(),
    items: z.array(item),
  }),
);
