import { BULK_ACTIONS, MAX_BULK } from "@/lib/domain/bulk-action";
import { EXPIRING_WITHIN, INSTANCE_SHOWS, INSTANCE_SORTS, MAX_PAGE, MAX_PARAMETER, PAGE_SIZE } from "@/lib/domain/instance-list";
import { PHASES } from "@/lib/domain/phase";

/**
 * The admin's environments in the OpenAPI document (lib/api/openapi.ts): every environment with filters,
 * one in full, bulk actions, and the retry owners and admins share. Kept apart so the document's own file
 * stays a list of areas.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
const jsonContent = (schema: object) => ({ "application/json": { schema } });
const uuidParameter = { $ref: "#/components/parameters/InstanceUuid" };

const adminOnly = {
  "401": response("Unauthenticated"),
  "403": { ...response("Forbidden"), description: "The caller is not an admin (code FORBIDDEN), or a cookie-authenticated change came from another site." },
};

const text = (description: string, extra: object = {}) => ({ type: "string", maxLength: MAX_PARAMETER, description, ...extra });

/** The filters, as query parameters of the list and as the object a bulk action by filter sends. */
const filterProperties = {
  template: text("A template's name, exactly.", { pattern: "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" }),
  owner: text('Text the owner key contains (any case), or "-" for pool members nobody claimed.'),
  phase: { type: "string", enum: [...PHASES] },
  expiring: { type: "string", enum: Object.keys(EXPIRING_WITHIN), description: "Live environments whose time runs out within this, or has run out already." },
  failed: { type: "string", enum: ["1"], description: "Only failed ones, and launches under way whose last report is a problem." },
  show: { type: "string", enum: [...INSTANCE_SHOWS], default: "live", description: "live: not torn down yet (being torn down included); ended: torn down; all." },
};

const listParameters = [
  ...Object.entries(filterProperties).map(([name, schema]) => ({ name, in: "query", required: false, schema })),
  { name: "sort", in: "query", required: false, schema: { type: "string", enum: [...INSTANCE_SORTS], default: "created" } },
  { name: "order", in: "query", required: false, schema: { type: "string", enum: ["asc", "desc"], default: "desc" } },
  { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: MAX_PAGE, default: 1 }, description: `${PAGE_SIZE} environments a page.` },
];

const nullableString = { type: ["string", "null"] };
const nullableDate = { type: ["string", "null"], format: "date-time" };

const adminEnvironment = {
  type: "object",
  description: "One environment as admins see it, pool members and torn-down ones included.",
  required: [
    "uuid", "name", "template", "displayName", "templateDeleted", "version", "owner", "pooled", "phase", "health", "step", "problem", "message", "url", "namespace",
    "createdAt", "expiresAt", "endedAt", "extendCount", "maxExtends", "extensionsLeft",
  ],
  properties: {
    uuid: { type: "string", pattern: "^[0-9a-f]{8}$" },
    name: { type: "string", description: "Its name in the cluster: the Helm release, <template>-<uuid>." },
    template: { type: "string" },
    displayName: { type: "string" },
    templateDeleted: { type: "boolean", description: "True when its template has been deleted since." },
    version: { type: "integer" },
    owner: { ...nullableString, description: "The owner key; null for a pool member nobody claimed." },
    pooled: { type: "boolean" },
    phase: { type: "string", enum: [...PHASES] },
    health: nullableString,
    step: nullableString,
    problem: { oneOf: [ref("Environment/properties/problem"), { type: "null" }] },
    message: { ...nullableString, description: "What the engine or Flux last reported, as they wrote it." },
    url: nullableString,
    namespace: nullableString,
    createdAt: { type: "string", format: "date-time" },
    expiresAt: nullableDate,
    endedAt: { ...nullableDate, description: "When the worker finished tearing it down." },
    extendCount: { type: "integer", minimum: 0 },
    maxExtends: { type: "integer" },
    extensionsLeft: { type: ["integer", "null"] },
  },
};

const adminEnvironmentPage = {
  type: "object",
  required: ["query", "rows", "total", "pages", "pageSize", "observedAt"],
  properties: {
    query: { type: "object", description: "The filter, sort and page as understood." },
    rows: { type: "array", items: ref("AdminEnvironment") },
    total: { type: "integer", description: "Environments matching the filter on every page." },
    pages: { type: "integer", minimum: 1 },
    pageSize: { type: "integer" },
    observedAt: { type: "string", format: "date-time" },
  },
};

const adminEnvironmentDetail = {
  allOf: [
    ref("AdminEnvironment"),
    {
      type: "object",
      required: ["method", "extendSeconds", "params", "values", "valueFiles", "connectionMessage", "engine", "engineRef", "conditions", "claimedAt", "readyAt", "stepStartedAt", "createdBy", "history", "audit", "actions", "observedAt"],
      properties: {
        method: { type: "string", enum: ["on_demand", "pool"] },
        extendSeconds: { type: "integer", description: "How much an extension adds." },
        params: { type: "object", additionalProperties: true },
        values: { type: "object", additionalProperties: true, description: "The Helm values rendered at launch." },
        valueFiles: { type: "array", items: { type: "string" } },
        connectionMessage: nullableString,
        engine: { type: "string" },
        engineRef: nullableString,
        conditions: {
          type: ["array", "null"],
          description: "The conditions Flux last reported for the HelmRelease and its chart source, as the worker read them.",
          items: {
            type: "object",
            required: ["object", "type", "status", "reason", "message", "at"],
            properties: { object: { type: "string" }, type: { type: "string" }, status: { type: "string" }, reason: nullableString, message: nullableString, at: nullableString },
          },
        },
        claimedAt: nullableDate,
        readyAt: nullableDate,
        stepStartedAt: nullableDate,
        createdBy: { ...nullableString, description: "The username that launched or claimed it." },
        history: {
          type: "array",
          description: "Each change of phase, step or owner, and its teardown, oldest first.",
          items: {
            type: "object",
            required: ["at", "phase", "step", "health", "owner", "message", "ended"],
            properties: { at: { type: "string", format: "date-time" }, phase: { type: "string", enum: [...PHASES] }, step: nullableString, health: nullableString, owner: nullableString, message: nullableString, ended: { type: "boolean" } },
          },
        },
        audit: {
          type: "array",
          description: "The audit entries about it, oldest first.",
          items: { type: "object", required: ["at", "actor", "action"], properties: { at: { type: "string", format: "date-time" }, actor: { type: "string" }, action: { type: "string" }, before: {}, after: {} } },
        },
        actions: {
          type: "object",
          description: "Why an admin cannot extend, end or retry it now; null where they can.",
          required: ["extend", "end", "retry"],
          properties: { extend: nullableString, end: nullableString, retry: nullableString },
        },
        observedAt: { type: "string", format: "date-time" },
      },
    },
  ],
};

const bulkRequest = {
  type: "object",
  additionalProperties: false,
  required: ["action"],
  description: "Exactly one of uuids and filter. Without confirm, or with a count that differs from the selection's now, nothing is done (409).",
  properties: {
    action: { type: "string", enum: [...BULK_ACTIONS] },
    uuids: { type: "array", minItems: 1, maxItems: MAX_BULK, uniqueItems: true, items: { type: "string", pattern: "^[0-9a-f]{8}$" } },
    filter: {
      type: "object",
      additionalProperties: false,
      description: `Every live environment it matches now, computed on the server; more than ${MAX_BULK} is refused (400).`,
      properties: { ...filterProperties, show: { type: "string", enum: ["live"] } },
    },
    confirm: { type: "integer", minimum: 0, maximum: MAX_BULK, description: "The number of environments the caller confirms acting on." },
  },
};

const outcomeEnum = ["ended", "extended", "already-ending", "refused", "not-found"];

const bulkResult = {
  type: "object",
  required: ["action", "count", "counts", "summary", "items"],
  properties: {
    action: { type: "string", enum: [...BULK_ACTIONS] },
    count: { type: "integer" },
    counts: { type: "object", required: outcomeEnum, properties: Object.fromEntries(outcomeEnum.map((o) => [o, { type: "integer", minimum: 0 }])) },
    summary: { type: "string" },
    items: {
      type: "array",
      items: {
        type: "object",
        required: ["uuid", "template", "owner", "phase", "outcome", "reason"],
        properties: {
          uuid: { type: "string" },
          template: nullableString,
          owner: nullableString,
          phase: { type: ["string", "null"], description: "Its phase before the action." },
          outcome: { type: "string", enum: outcomeEnum },
          reason: { ...nullableString, description: "Why, when it was not ended or extended." },
        },
      },
    },
  },
};

export const adminEnvironmentTag = { name: "admin", description: "Every environment, for admins: the list, one in full, bulk actions." };

export const adminEnvironmentPaths = {
  "/api/v1/environments/{uuid}/retry": {
    parameters: [uuidParameter],
    post: {
      tags: ["environments"],
      operationId: "retryEnvironment",
      summary: "Retry a failed environment: end it and launch its template again with the same parameters",
      description: "Owners retry theirs; admins any, launched again for its owner. The answer is the new environment, with the failed one's uuid as `retried`.",
      responses: {
        "200": { description: "The owner already had another environment of the template: it is returned.", content: jsonContent(ref("RetryResult")) },
        "201": { description: "The failed environment is ending and a new one takes its place.", content: jsonContent(ref("RetryResult")) },
        "401": response("Unauthenticated"),
        "403": response("Forbidden"),
        "404": response("NotFound"),
        "409": { ...response("Conflict"), description: "It has not failed, its template was deleted, or it cannot be launched again for its owner (code CONFLICT)." },
        "503": response("Unavailable"),
      },
    },
  },
  "/api/v1/admin/environments": {
    get: {
      tags: ["admin"],
      operationId: "listAllEnvironments",
      summary: "Every environment, filtered, sorted and paged",
      description: "Admins only. A parameter that is not understood is refused by name (400) rather than ignored. Poll it to follow the list live.",
      parameters: listParameters,
      responses: {
        "200": { description: "One page of the environments the filter matches.", content: jsonContent(ref("AdminEnvironmentPage")) },
        "400": { ...response("InvalidInput"), description: "A filter, the sort or the page is not valid; `fields` names each." },
        ...adminOnly,
      },
    },
  },
  "/api/v1/admin/environments/{uuid}": {
    parameters: [uuidParameter],
    get: {
      tags: ["admin"],
      operationId: "getEnvironmentDetail",
      summary: "One environment in full: parameters, rendered values, Flux's conditions, history and audit trail",
      responses: {
        "200": { description: "The environment.", content: jsonContent(ref("AdminEnvironmentDetail")) },
        ...adminOnly,
        "404": response("NotFound"),
      },
    },
  },
  "/api/v1/admin/environments/bulk": {
    post: {
      tags: ["admin"],
      operationId: "bulkEnvironmentAction",
      summary: "End or extend many environments at once",
      description:
        "Admins only. Send it once without `confirm` to learn the count (409, the question in `fields.confirm`), then again with that count. " +
        "Every environment gets an outcome: ended or extended, already ending, refused (with why) or not found.",
      requestBody: { required: true, content: jsonContent(ref("BulkRequest")) },
      responses: {
        "200": { description: "What became of each environment.", content: jsonContent(ref("BulkResult")) },
        "400": { ...response("InvalidInput"), description: `The request is not valid, or the filter matches more than ${MAX_BULK} environments; nothing was changed.` },
        ...adminOnly,
        "409": { ...response("Conflict"), description: "Not confirmed, or confirmed with a count the selection no longer has; nothing was changed." },
        "413": response("PayloadTooLarge"),
      },
    },
  },
};

export const adminEnvironmentSchemas = {
  AdminEnvironment: adminEnvironment,
  AdminEnvironmentPage: adminEnvironmentPage,
  AdminEnvironmentDetail: adminEnvironmentDetail,
  BulkRequest: bulkRequest,
  BulkResult: bulkResult,
  RetryResult: {
    allOf: [ref("LaunchResult"), { type: "object", required: ["retried"], properties: { retried: { type: "string", pattern: "^[0-9a-f]{8}$", description: "The failed environment, now ending." } } }],
  },
};
