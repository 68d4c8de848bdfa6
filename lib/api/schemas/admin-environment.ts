import { z } from "zod";
import { BULK_ACTIONS, MAX_BULK } from "@/lib/domain/bulk-action";
import { EXPIRING_WITHIN, INSTANCE_SHOWS, INSTANCE_SORTS, MAX_PAGE, MAX_PARAMETER, PAGE_SIZE, SORT_ORDERS } from "@/lib/domain/instance-list";
import { INSTANCE_UUID } from "@/lib/domain/naming";
import { PHASES } from "@/lib/domain/phase";
import { integer } from "./common";
import { EnvironmentSchema, LaunchResultSchema } from "./environment";
import { requestSchema, responseSchema } from "./registry";

/**
 * Every environment, for admins, over the REST API: `/api/v1/admin/environments…` (the list with filters, one
 * in full, bulk actions) and the retry owners and admins share. The list's query is checked by its use case
 * (lib/domain/instance-list.ts), which names each parameter it refuses; its schema here documents it.
 */

const dateTime = () => z.iso.datetime();
const uuid = () => z.string().regex(INSTANCE_UUID);
const text = (description: string) => z.string().max(MAX_PARAMETER).describe(description);
const expiring = Object.keys(EXPIRING_WITHIN) as [keyof typeof EXPIRING_WITHIN, ...(keyof typeof EXPIRING_WITHIN)[]];

/** The filters: query parameters of the list, and the object a bulk action by filter sends. */
const filterFields = {
  template: text("A template's name, exactly.").regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
  owner: text('Text the owner key contains (any case), or "-" for pool members nobody claimed.'),
  phase: z.enum(PHASES),
  expiring: z.enum(expiring).describe("Live environments whose time runs out within this, or has run out already."),
  failed: z.enum(["1"]).describe("Only failed ones, and launches under way whose last report is a problem."),
};

/** The list's query parameters, documented one by one (lib/api/openapi.ts, `queryParameters`). */
export const AdminEnvironmentListQuerySchema = z
  .strictObject({
    ...filterFields,
    show: z.enum(INSTANCE_SHOWS).default("live").describe("live: not torn down yet (being torn down included); ended: torn down; all."),
    sort: z.enum(INSTANCE_SORTS).default("created"),
    order: z.enum(SORT_ORDERS).default("desc"),
    page: integer().min(1).max(MAX_PAGE).default(1).describe(`${PAGE_SIZE} environments a page.`),
  })
  .partial();

const problem = EnvironmentSchema.shape.problem;

export const AdminEnvironmentSchema = responseSchema(
  "AdminEnvironment",
  z
    .object({
      uuid: uuid(),
      name: z.string().describe("Its name in the cluster: the Helm release, <template>-<uuid>."),
      template: z.string(),
      displayName: z.string(),
      templateDeleted: z.boolean().describe("True when its template has been deleted since."),
      version: integer(),
      owner: z.string().nullable().describe("The owner key; null for a pool member nobody claimed."),
      pooled: z.boolean(),
      phase: z.enum(PHASES),
      health: z.string().nullable(),
      step: z.string().nullable(),
      problem,
      message: z.string().nullable().describe("What the engine or Flux last reported, as they wrote it."),
      url: z.string().nullable(),
      namespace: z.string().nullable(),
      createdAt: dateTime(),
      expiresAt: dateTime().nullable(),
      endedAt: dateTime().nullable().describe("When the worker finished tearing it down."),
      extendCount: integer().min(0),
      maxExtends: integer(),
      extensionsLeft: integer().nullable(),
    })
    .describe("One environment as admins see it, pool members and torn-down ones included."),
);

export const AdminEnvironmentPageSchema = responseSchema(
  "AdminEnvironmentPage",
  z.object({
    query: z
      .object({
        filter: z.object({
          template: z.string().nullable(),
          owner: z.string().nullable(),
          phase: z.enum(PHASES).nullable(),
          expiring: z.enum(expiring).nullable(),
          failed: z.boolean(),
          show: z.enum(INSTANCE_SHOWS),
        }),
        sort: z.enum(INSTANCE_SORTS),
        order: z.enum(SORT_ORDERS),
        page: integer().min(1),
      })
      .describe("The filter, sort and page as understood."),
    rows: z.array(AdminEnvironmentSchema),
    total: integer().describe("Environments matching the filter on every page."),
    pages: integer().min(1),
    pageSize: integer(),
    observedAt: dateTime(),
  }),
);

const nullableText = () => z.string().nullable();

export const AdminEnvironmentDetailSchema = responseSchema(
  "AdminEnvironmentDetail",
  AdminEnvironmentSchema.extend({
    method: z.enum(["on_demand", "pool"]),
    extendSeconds: integer().describe("How much an extension adds."),
    params: z.record(z.string(), z.unknown()),
    values: z.record(z.string(), z.unknown()).describe("The Helm values rendered at launch."),
    valueFiles: z.array(z.string()),
    connectionMessage: nullableText(),
    engine: z.string(),
    engineRef: nullableText().describe("Where its Helm release lives: apiVersion/kind/namespace/name."),
    conditions: z
      .array(z.object({ object: z.string(), type: z.string(), status: z.string(), reason: nullableText(), message: nullableText(), at: nullableText() }))
      .nullable()
      .describe("The conditions Flux last reported for the HelmRelease and its chart source, as the worker read them."),
    claimedAt: dateTime().nullable(),
    readyAt: dateTime().nullable(),
    stepStartedAt: dateTime().nullable(),
    createdBy: nullableText().describe("The username that launched or claimed it."),
    history: z
      .array(z.object({ at: dateTime(), phase: z.enum(PHASES), step: nullableText(), health: nullableText(), owner: nullableText(), message: nullableText(), ended: z.boolean() }))
      .describe("Each change of phase, step or owner, and its teardown, oldest first."),
    audit: z.array(z.object({ at: dateTime(), actor: z.string(), action: z.string(), before: z.unknown(), after: z.unknown() })).describe("The audit entries about it, oldest first."),
    actions: z
      .object({ extend: nullableText(), end: nullableText(), retry: nullableText() })
      .describe("Why an admin cannot extend, end or retry it now; null where they can."),
    observedAt: dateTime(),
  }).describe("One environment in full, as admins see it."),
);

/**
 * `POST /api/v1/admin/environments/bulk`: its shape. What needs the whole request (exactly one of uuids and
 * filter, each uuid once) is checked by the use case, with the same field names.
 */
export const BulkRequestSchema = requestSchema(
  "BulkRequest",
  z
    .strictObject({
      action: z.enum(BULK_ACTIONS),
      uuids: z
        .array(z.string())
        .min(1, "must be a list of one or more environment ids")
        .max(MAX_BULK, `a bulk action takes at most ${MAX_BULK} environments`)
        // Checked on the whole list, so the error names the field rather than an item of it.
        .refine((ids) => ids.every((id) => INSTANCE_UUID.test(id)), "must hold environment ids only (8 lowercase hexadecimal characters)")
        .meta({ items: { type: "string", pattern: INSTANCE_UUID.source }, uniqueItems: true })
        .optional(),
      filter: z
        .strictObject({ ...filterFields, show: z.enum(["live"]) })
        .partial()
        .describe(`Every live environment it matches now, computed on the server; more than ${MAX_BULK} is refused (400).`)
        .optional(),
      confirm: integer().min(0).max(MAX_BULK).nullable().optional().describe("The number of environments the caller confirms acting on."),
    })
    .describe("Exactly one of uuids and filter. Without confirm, or with a count that differs from the selection's now, nothing is done (409)."),
);

const OUTCOMES = ["ended", "extended", "already-ending", "refused", "not-found"] as const;

export const BulkResultSchema = responseSchema(
  "BulkResult",
  z.object({
    action: z.enum(BULK_ACTIONS),
    count: integer(),
    counts: z.object(Object.fromEntries(OUTCOMES.map((o) => [o, integer().min(0)])) as Record<(typeof OUTCOMES)[number], z.ZodNumber>),
    summary: z.string(),
    items: z.array(
      z.object({
        uuid: z.string(),
        template: nullableText(),
        owner: nullableText(),
        phase: nullableText().describe("Its phase before the action."),
        outcome: z.enum(OUTCOMES),
        reason: nullableText().describe("Why, when it was not ended or extended."),
      }),
    ),
  }),
);

export const RetryResultSchema = responseSchema(
  "RetryResult",
  LaunchResultSchema.extend({ retried: uuid().describe("The failed environment, now ending.") }),
);
