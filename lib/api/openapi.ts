import { z } from "zod";
import { appVersion } from "@/lib/version";
import { MAX_BULK } from "@/lib/domain/bulk-action";
import {
  AdminEnvironmentDetailSchema,
  AdminEnvironmentListQuerySchema,
  AdminEnvironmentPageSchema,
  BulkRequestSchema,
  BulkResultSchema,
  RetryResultSchema,
} from "./schemas/admin-environment";
import { catalogPaths, catalogTag } from "./openapi-catalogs";
import { classEnvironmentPaths } from "./openapi-class-environments";
import { classPaths, classTag } from "./openapi-classes";
import { warmUpPaths, warmUpTag } from "./openapi-warm-ups";
import { usagePaths } from "./openapi-usage";
import { classTemplatePaths, classTemplateTag } from "./openapi-class-templates";
import "./schemas/common";
import "./schemas/environment";
import "./schemas/health";
import "./schemas/pool";
import { componentSchemas, refTo } from "./schemas/registry";
import {
  AnnotationListSchema,
  AnnotationSchema,
  LabelListSchema,
  LabelSchema,
  SpecSaveResultSchema,
  TemplateCatalogViewSchema,
  TemplateChangeResultSchema,
  TemplateCreateSchema,
  TemplateDeleteQuerySchema,
  TemplateDeleteResultSchema,
  TemplateListQuerySchema,
  TemplateListSchema,
  TemplatePatchSchema,
  TemplateSchema,
  TemplateSpecSchema,
  TemplateSpecUpdateSchema,
  TemplateVersionListSchema,
  TemplateVersionSchema,
} from "./schemas/template";
import { ApiTokenListSchema } from "./schemas/token";

/**
 * The REST API described as OpenAPI 3.1, served at `/api/openapi.json`. The operations are written here next
 * to the routes; the schemas of bodies and responses are generated from the resources' zod schemas
 * (lib/api/schemas), the same ones the routes parse requests and shape responses with.
 * test/unit/openapi.test.ts checks that the document and the route files under app/api describe the same API;
 * test/integration/api-templates.test.ts and admin-environments.test.ts check real responses against it.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
const jsonContent = (schema: object) => ({ "application/json": { schema } });

const nameParameter = { $ref: "#/components/parameters/TemplateName" };

/** The query parameters of a query schema, one per field, each with its JSON Schema. */
function queryParameters(schema: z.ZodObject): object[] {
  const json = z.toJSONSchema(schema, { io: "input" }) as { properties: Record<string, { description?: string }>; required?: string[] };
  return Object.entries(json.properties).map(([name, { description, ...fieldSchema }]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    ...(description && { description }),
    schema: fieldSchema,
  }));
}

/** A JSON response of a resource schema. */
const returns = (description: string, schema: z.ZodType) => ({ description, content: jsonContent(refTo(schema)) });
/** A JSON request body of a resource schema. */
const takes = (schema: z.ZodType, description?: string) => ({ required: true, ...(description && { description }), content: jsonContent(refTo(schema)) });

/** What every admin-only template operation may answer besides its own. */
const adminOnly = { "401": response("Unauthenticated"), "403": response("AdminOnly") };
const adminChange = { "400": response("InvalidInput"), ...adminOnly, "404": response("TemplateNotFound") };
const keyParameter = {
  name: "key",
  in: "path",
  required: true,
  description: "The key, which may hold a \"/\" (example.com/app): send it as it is, or with the \"/\" as %2F.",
  schema: { type: "string", minLength: 1, maxLength: 317 },
};

/** `…/labels` and `…/annotations`, and one of them by key: alike but for their rules for values. */
function metadataPaths(kind: "labels" | "annotations", one: string, entry: z.ZodType, list: z.ZodType, rules: string) {
  const Kind = one[0]!.toUpperCase() + one.slice(1);
  return {
    [`/api/v1/templates/{name}/${kind}`]: {
      parameters: [nameParameter],
      get: {
        tags: ["templates"],
        operationId: `list${Kind}s`,
        summary: `A template's ${kind}`,
        responses: { "200": returns(`Its ${kind}, by key.`, list), ...adminOnly, "404": response("TemplateNotFound") },
      },
      post: {
        tags: ["templates"],
        operationId: `set${Kind}`,
        summary: `Set one ${one} of a template`,
        description: `Adds the ${one}, or replaces its value. ${rules} Saved like any change of the template's settings, with an audit entry.`,
        requestBody: takes(entry),
        responses: {
          "200": returns(`The ${one} had another value: replaced.`, entry),
          "201": returns(`A new ${one}.`, entry),
          ...adminChange,
          "413": response("PayloadTooLarge"),
        },
      },
    },
    [`/api/v1/templates/{name}/${kind}/{key}`]: {
      parameters: [nameParameter, keyParameter],
      get: {
        tags: ["templates"],
        operationId: `get${Kind}`,
        summary: `One ${one} of a template`,
        responses: { "200": returns(`The ${one}.`, entry), "400": { ...response("InvalidInput"), description: "The key is not a Kubernetes qualified name." }, ...adminOnly, "404": response("TemplateNotFound") },
      },
      delete: {
        tags: ["templates"],
        operationId: `remove${Kind}`,
        summary: `Remove one ${one} of a template`,
        responses: { "204": { description: "Removed." }, "400": { ...response("InvalidInput"), description: "The key is not a Kubernetes qualified name." }, ...adminOnly, "404": { ...response("TemplateNotFound"), description: `No such template, or it has no such ${one}.` } },
      },
    },
  };
}

const templatePaths = {
  "/api/v1/templates": {
    get: {
      tags: ["templates"],
      operationId: "listTemplates",
      summary: "List templates, with their environments and pool members",
      description: "Admins only. The filters of the admin's list; an unknown parameter or value is refused.",
      parameters: queryParameters(TemplateListQuerySchema),
      responses: { "200": returns("The templates that match, by display name.", TemplateListSchema), "400": response("InvalidInput"), ...adminOnly },
    },
    post: {
      tags: ["templates"],
      operationId: "createTemplate",
      summary: "Create a template",
      description:
        "From its fields and spec (leave `from` out), from a starter, as a copy of another template, or from a DployTemplate or Envdeck " +
        "template file: each checked in full, as the admin pages check it, and stored as version 1. The body may be up to 2 MiB.",
      requestBody: takes(TemplateCreateSchema),
      responses: {
        "201": {
          ...returns("The new template.", TemplateSchema),
          headers: { Location: { description: "The template under /api/v1/templates.", schema: { type: "string" } } },
        },
        "400": response("InvalidInput"),
        ...adminOnly,
        "404": { ...response("TemplateNotFound"), description: "The template to copy does not exist." },
        "409": { ...response("Conflict"), description: "The name is taken by another template, a deleted one included (names are never reused)." },
        "413": response("PayloadTooLarge"),
      },
    },
  },
  "/api/v1/templates/{name}": {
    parameters: [nameParameter],
    get: {
      tags: ["templates"],
      operationId: "getTemplate",
      summary: "A template",
      description:
        "Admins read every setting (Template). Anyone else may read any template they may launch by name, base templates excepted, " +
        "as its launch page shows it (TemplateCatalogView).",
      responses: {
        "200": { description: "The template.", content: jsonContent({ anyOf: [refTo(TemplateSchema), refTo(TemplateCatalogViewSchema)] }) },
        "401": response("Unauthenticated"),
        "404": response("TemplateNotFound"),
      },
    },
    patch: {
      tags: ["templates"],
      operationId: "updateTemplate",
      summary: "Change some of a template's settings",
      description:
        "Settings left out stay as they are. Each is checked by its rule, then all of them together, against the spec too. A change " +
        "that ends or removes something (disabling with environments running, a smaller pool, a shorter lifetime…) needs `confirm: true`.",
      requestBody: takes(TemplatePatchSchema),
      responses: {
        "200": returns("What changed and what it does, and the template now.", TemplateChangeResultSchema),
        ...adminChange,
        "409": {
          ...response("Conflict"),
          description: "The change ends or removes something and `confirm` is not true: `fields.confirm` says what it would end. Or the template changed meanwhile.",
        },
        "413": response("PayloadTooLarge"),
      },
    },
    delete: {
      tags: ["templates"],
      operationId: "deleteTemplate",
      summary: "Delete a template (it can be restored)",
      description: "It leaves the catalog and cannot be launched. Its warm members nobody claimed are removed.",
      parameters: queryParameters(TemplateDeleteQuerySchema),
      responses: {
        "200": returns("Deleted.", TemplateDeleteResultSchema),
        ...adminChange,
        "409": { ...response("Conflict"), description: "Other templates extend it." },
      },
    },
  },
  "/api/v1/templates/{name}/spec": {
    parameters: [nameParameter],
    get: {
      tags: ["templates"],
      operationId: "getTemplateSpec",
      summary: "A template's latest spec",
      responses: { "200": returns("The latest version's spec.", TemplateSpecSchema), ...adminOnly, "404": response("TemplateNotFound") },
    },
    put: {
      tags: ["templates"],
      operationId: "saveTemplateSpec",
      summary: "Save a new version of a template's spec",
      description:
        "Validated in full (syntax, variables, a render for a stand-in user, every template that extends it), then stored as the next " +
        "version. An unchanged spec makes no version. The body may be up to 2 MiB.",
      requestBody: takes(TemplateSpecUpdateSchema),
      responses: { "200": returns("The version saved.", SpecSaveResultSchema), ...adminChange, "413": response("PayloadTooLarge") },
    },
  },
  "/api/v1/templates/{name}/versions": {
    parameters: [nameParameter],
    get: {
      tags: ["templates"],
      operationId: "listTemplateVersions",
      summary: "A template's versions",
      responses: { "200": returns("Newest first.", TemplateVersionListSchema), ...adminOnly, "404": response("TemplateNotFound") },
    },
  },
  "/api/v1/templates/{name}/versions/{version}": {
    parameters: [nameParameter, { name: "version", in: "path", required: true, description: "The version number, from 1.", schema: { type: "string", pattern: "^[1-9][0-9]{0,8}$" } }],
    get: {
      tags: ["templates"],
      operationId: "getTemplateVersion",
      summary: "One version of a template, with its spec",
      responses: { "200": returns("The version.", TemplateVersionSchema), "400": response("InvalidInput"), ...adminOnly, "404": response("TemplateNotFound") },
    },
  },
  "/api/v1/templates/{name}/restore": {
    parameters: [nameParameter],
    post: {
      tags: ["templates"],
      operationId: "restoreTemplate",
      summary: "Restore a deleted template",
      description: "Back in the catalog (if visible) and launchable; its pool is warmed again. Environments ended when it was deleted stay ended. No body, or `{}`.",
      responses: {
        "200": returns("The template, live again.", TemplateSchema),
        ...adminChange,
        "404": { ...response("TemplateNotFound"), description: "No deleted template of that name." },
        "409": { ...response("Conflict"), description: "The template is not deleted, or another template has its name now." },
        "413": response("PayloadTooLarge"),
      },
    },
  },
  ...metadataPaths("labels", "label", LabelSchema, LabelListSchema, "The key is a Kubernetes qualified name; the value is empty or a Kubernetes label value."),
  ...metadataPaths("annotations", "annotation", AnnotationSchema, AnnotationListSchema, "The key is a Kubernetes qualified name; the value is printable text on one line, at most 4096 characters."),
};
const uuidParameter = { $ref: "#/components/parameters/InstanceUuid" };

/** Errors every authenticated operation can answer with. */
const signedIn = { "401": response("Unauthenticated") };
/** State changes: a cookie-authenticated request from another site is refused (CSRF). */
const stateChange = { ...signedIn, "403": response("Forbidden") };
/** Both extend operations answer alike. */
const extendResponses = {
  "200": { description: "The instance with its new expiry.", content: jsonContent(ref("Environment")) },
  "400": { ...response("InvalidInput"), description: "The instance has an unlimited TTL: there is nothing to extend." },
  ...stateChange,
  "404": response("NotFound"),
  "409": response("Conflict"),
};

const launchResponses = {
  "200": { description: "The caller already had an instance of this template; it is returned as it is.", content: jsonContent(ref("LaunchResult")) },
  "201": {
    description: "A warm pool member was claimed, or a new instance was created.",
    headers: { Location: { description: "The instance under /api/v1/environments.", schema: { type: "string" } } },
    content: jsonContent(ref("LaunchResult")),
  },
  "400": { ...response("InvalidInput"), description: "A required parameter is missing, or a parameter value is invalid." },
  ...signedIn,
  "403": response("Forbidden"),
  "404": response("NotFound"),
  "503": response("Unavailable"),
};

/** Every environment, for admins: the list, one in full, bulk actions; and the retry owners and admins share. */
const adminEnvironmentsOnly = {
  "401": response("Unauthenticated"),
  "403": { ...response("Forbidden"), description: "The caller is not an admin (code FORBIDDEN), or a cookie-authenticated change came from another site." },
};
const adminEnvironmentPaths = {
  "/api/v1/environments/{uuid}/retry": {
    parameters: [uuidParameter],
    post: {
      tags: ["environments"],
      operationId: "retryEnvironment",
      summary: "Retry a failed environment: end it and launch its template again with the same parameters",
      description: "Owners retry theirs; admins any, launched again for its owner. The answer is the new environment, with the failed one's uuid as `retried`.",
      responses: {
        "200": returns("The owner already had another environment of the template: it is returned.", RetryResultSchema),
        "201": returns("The failed environment is ending and a new one takes its place.", RetryResultSchema),
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
      parameters: queryParameters(AdminEnvironmentListQuerySchema),
      responses: {
        "200": returns("One page of the environments the filter matches.", AdminEnvironmentPageSchema),
        "400": { ...response("InvalidInput"), description: "A filter, the sort or the page is not valid; `fields` names each." },
        ...adminEnvironmentsOnly,
      },
    },
  },
  "/api/v1/admin/environments/{uuid}": {
    parameters: [uuidParameter],
    get: {
      tags: ["admin"],
      operationId: "getEnvironmentDetail",
      summary: "One environment in full: parameters, rendered values, Flux's conditions, history and audit trail",
      responses: { "200": returns("The environment.", AdminEnvironmentDetailSchema), ...adminEnvironmentsOnly, "404": response("NotFound") },
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
      requestBody: takes(BulkRequestSchema),
      responses: {
        "200": returns("What became of each environment.", BulkResultSchema),
        "400": { ...response("InvalidInput"), description: `The request is not valid, or the filter matches more than ${MAX_BULK} environments; nothing was changed.` },
        ...adminEnvironmentsOnly,
        "409": { ...response("Conflict"), description: "Not confirmed, or confirmed with a count the selection no longer has; nothing was changed." },
        "413": response("PayloadTooLarge"),
      },
    },
  },
};

export const openApiDocument = {
  openapi: "3.1.1",
  info: {
    title: "Envdeck API",
    version: appVersion,
    description:
      "Launch, inspect, extend and delete your environments; admins manage templates. Authenticate with a personal API token " +
      "(`Authorization: Bearer edk_…`, created while signed in) or, from the browser, with the session cookie. " +
      "Cookie-authenticated requests that change state must come from Envdeck's own pages.",
  },
  security: [{ bearerToken: [] }, { sessionCookie: [] }],
  tags: [
    { name: "dploy", description: "Dploy-compatible paths: an environment is named by its template." },
    { name: "environments", description: "Environments by uuid." },
    { name: "admin", description: "Every environment, for admins: the list, one in full, bulk actions." },
    catalogTag,
    { name: "tokens", description: "Personal API tokens." },
    { name: "templates", description: "Templates: settings, specs and versions, labels and annotations, warm pools (admins only, but for reading one template)." },
    classTag,
    classTemplateTag,
    warmUpTag,
    { name: "meta", description: "About the API and the portal." },
  ],
  paths: {
    "/api/environments": {
      get: {
        tags: ["dploy"],
        operationId: "dployListEnvironments",
        summary: "List my environments (Dploy-compatible)",
        responses: {
          "200": { description: "Everything the caller owns that is not being deleted.", content: jsonContent(ref("DployEnvironmentList")) },
          ...signedIn,
        },
      },
    },
    "/api/run/{name}": {
      parameters: [nameParameter],
      get: {
        tags: ["dploy"],
        operationId: "dployLaunch",
        summary: "Launch a template, or get my existing instance of it",
        description:
          "Query-string values are the launch parameters, typed by the template's parameter schema (`?cpus=2` is the integer 2). " +
          "This GET creates an instance: with the session cookie it is refused when another site sent it.",
        parameters: [
          {
            name: "parameters",
            in: "query",
            required: false,
            style: "form",
            explode: true,
            description: "One query value per launch parameter; each name at most once.",
            schema: { type: "object", additionalProperties: { type: "string" } },
          },
        ],
        responses: launchResponses,
      },
      delete: {
        tags: ["dploy"],
        operationId: "dployDelete",
        summary: "Delete my instance of a template",
        responses: { "204": { description: "Deleted: the instance is being torn down." }, ...stateChange, "404": response("NotFound") },
      },
    },
    "/api/run/{name}/status": {
      parameters: [nameParameter],
      get: {
        tags: ["dploy"],
        operationId: "dployStatus",
        summary: "The status of my instance of a template",
        responses: { "200": { description: "The instance.", content: jsonContent(ref("Environment")) }, ...signedIn, "404": response("NotFound") },
      },
    },
    "/api/run/{name}/extend": {
      parameters: [nameParameter],
      post: {
        tags: ["dploy"],
        operationId: "dployExtend",
        summary: "Extend my instance of a template by the template's extension time",
        responses: extendResponses,
      },
    },
    "/api/v1/environments": {
      get: {
        tags: ["environments"],
        operationId: "listEnvironments",
        summary: "List my environments",
        responses: { "200": { description: "Everything the caller owns that is not being deleted.", content: jsonContent(ref("EnvironmentList")) }, ...signedIn },
      },
    },
    "/api/v1/environments/{uuid}": {
      parameters: [uuidParameter],
      get: {
        tags: ["environments"],
        operationId: "getEnvironment",
        summary: "One of my environments",
        responses: { "200": { description: "The instance.", content: jsonContent(ref("Environment")) }, ...signedIn, "404": response("NotFound") },
      },
      delete: {
        tags: ["environments"],
        operationId: "deleteEnvironment",
        summary: "Delete one of my environments",
        description: "Once an instance is being deleted it is gone for its owner: deleting, getting or extending it again answers 404, as the Dploy-compatible paths do.",
        responses: { "204": { description: "Deleted: the instance is being torn down." }, ...stateChange, "404": response("NotFound") },
      },
    },
    "/api/v1/environments/{uuid}/extend": {
      parameters: [uuidParameter],
      post: {
        tags: ["environments"],
        operationId: "extendEnvironment",
        summary: "Extend one of my environments by its template's extension time",
        responses: extendResponses,
      },
    },
    ...adminEnvironmentPaths,
    "/api/v1/run/{name}": {
      parameters: [nameParameter],
      post: {
        tags: ["environments"],
        operationId: "launch",
        summary: "Launch a template with typed parameters, or get my existing instance of it",
        requestBody: {
          required: false,
          description: "An empty body launches with the parameters' defaults.",
          content: jsonContent(ref("RunRequest")),
        },
        responses: { ...launchResponses, "413": response("PayloadTooLarge") },
      },
    },
    "/api/v1/tokens": {
      get: {
        tags: ["tokens"],
        operationId: "listTokens",
        summary: "List my personal API tokens (never their secrets)",
        responses: {
          "200": {
            description: "The caller's tokens, newest first.",
            content: jsonContent(refTo(ApiTokenListSchema)),
          },
          ...signedIn,
        },
      },
      post: {
        tags: ["tokens"],
        operationId: "createToken",
        summary: "Create a personal API token",
        description: "Only with the session cookie: a request authenticated by a token is refused (403). The secret is shown once.",
        security: [{ sessionCookie: [] }],
        requestBody: { required: true, content: jsonContent(ref("NewApiToken")) },
        responses: {
          "201": { description: "The new token, with its secret.", content: jsonContent(ref("CreatedApiToken")) },
          "400": response("InvalidInput"),
          ...stateChange,
          "409": { ...response("Conflict"), description: "The caller already has the maximum number of active tokens." },
          "413": response("PayloadTooLarge"),
        },
      },
    },
    "/api/v1/tokens/{id}": {
      parameters: [{ name: "id", in: "path", required: true, description: "The token's id.", schema: { type: "string", format: "uuid" } }],
      delete: {
        tags: ["tokens"],
        operationId: "revokeToken",
        summary: "Revoke one of my personal API tokens",
        responses: { "204": { description: "Revoked (revoking twice is fine)." }, ...stateChange, "404": response("NotFound") },
      },
    },
    ...templatePaths,
    ...catalogPaths,
    "/api/v1/templates/{name}/pool": {
      parameters: [nameParameter],
      get: {
        tags: ["templates"],
        operationId: "getPoolState",
        summary: "A pool template's warm pool: its members by state and by version",
        description: "Admins only. Poll it to follow a pool filling, rolling forward to a new version, or replacing failed members.",
        responses: {
          "200": { description: "The pool now.", content: jsonContent(ref("PoolState")) },
          ...signedIn,
          "403": { ...response("Forbidden"), description: "The caller is not an admin (code FORBIDDEN)." },
          "404": { ...response("NotFound"), description: "No such template, or a template that is not a warm pool (code NOT_FOUND)." },
        },
      },
    },
    ...classPaths,
    ...warmUpPaths,
    ...classEnvironmentPaths,
    ...usagePaths,
    ...classTemplatePaths,
    "/api/openapi.json": {
      get: {
        tags: ["meta"],
        operationId: "getOpenApiDocument",
        summary: "This document",
        security: [],
        responses: { "200": { description: "The OpenAPI document.", content: jsonContent({ type: "object" }) } },
      },
    },
    "/api/health": {
      get: {
        tags: ["meta"],
        operationId: "getHealth",
        summary: "Liveness and readiness",
        security: [],
        responses: {
          "200": { description: "The database answers.", content: jsonContent(ref("Health")) },
          "503": { description: "The database does not answer.", content: jsonContent(ref("Health")) },
        },
      },
    },
    "/api/metrics": {
      get: {
        tags: ["meta"],
        operationId: "getMetrics",
        summary: "Prometheus metrics",
        description:
          "Launches by outcome and refusals by code, launch times, and environments by template and phase, in Prometheus's text format. For a scraper presenting the operator's ENVDECK_METRICS_TOKEN; off while it is unset.",
        security: [{ metricsToken: [] }],
        responses: {
          "200": { description: "The metrics.", content: { "text/plain": { schema: { type: "string" } } } },
          "401": { ...response("Unauthenticated"), description: "No token, or not the metrics token (code UNAUTHENTICATED)." },
          "404": { description: "Metrics are off: ENVDECK_METRICS_TOKEN is unset (code NOT_FOUND).", content: jsonContent(ref("Error")) },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerToken: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "edk_ followed by 43 characters",
        description: "A personal API token. A token that is mistyped, expired or revoked is 401; it never falls back to the cookie.",
      },
      sessionCookie: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "The browser session (`__Secure-` prefixed over HTTPS)." },
      metricsToken: { type: "http", scheme: "bearer", description: "The operator's ENVDECK_METRICS_TOKEN, for /api/metrics only." },
    },
    parameters: {
      TemplateName: { name: "name", in: "path", required: true, description: "The template's name.", schema: { type: "string", pattern: "^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$" } },
      InstanceUuid: { name: "uuid", in: "path", required: true, description: "The instance's id.", schema: { type: "string", pattern: "^[0-9a-f]{8}$" } },
    },
    schemas: {
      ...componentSchemas(),
    },
    responses: {
      InvalidInput: { description: "The request is invalid (code INVALID_INPUT); `fields` names each problem.", content: jsonContent(ref("Error")) },
      Unauthenticated: {
        description: "No session and no token, or a token that is malformed, expired or revoked (code UNAUTHENTICATED).",
        headers: { "WWW-Authenticate": { schema: { type: "string" } } },
        content: jsonContent(ref("Error")),
      },
      Forbidden: {
        description:
          "QUOTA_EXCEEDED: the owner has reached their limit of running environments. FORBIDDEN: not allowed (no group for a " +
          "group-owned template, a token creating tokens), or a cookie-authenticated state change sent by another site (CSRF).",
        content: jsonContent(ref("Error")),
      },
      NotFound: {
        description: "No such template (unknown, disabled or a base template), or no such environment of the caller's. Other people's environments are reported as missing.",
        content: jsonContent(ref("Error")),
      },
      Conflict: {
        description: "Environments: it has used all its extensions, has expired or failed to start. Templates: see each operation (code CONFLICT).",
        content: jsonContent(ref("Error")),
      },
      AdminOnly: {
        description: "The caller is not an admin, or a cookie-authenticated request that changes state came from another site (code FORBIDDEN).",
        content: jsonContent(ref("Error")),
      },
      TemplateNotFound: { description: "No live template of that name: unknown, or deleted (code NOT_FOUND).", content: jsonContent(ref("Error")) },
      PayloadTooLarge: {
        description: "The request body is larger than 64 kB, or 2 MiB where it carries a template (code PAYLOAD_TOO_LARGE).",
        content: jsonContent(ref("Error")),
      },
      Unavailable: {
        description:
          "POOL_EXHAUSTED: no warm environment is free and no more may be created. UNAVAILABLE: this portal has no cluster to launch on, " +
          "or the template must be fixed by an administrator.",
        content: jsonContent(ref("Error")),
      },
    },
  },
};
