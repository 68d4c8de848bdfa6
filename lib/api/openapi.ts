import { appVersion } from "@/lib/version";
import { adminEnvironmentPaths, adminEnvironmentSchemas, adminEnvironmentTag } from "./openapi-admin-environments";

/**
 * The REST API described as OpenAPI 3.1, served at `/api/openapi.json`. Hand-written next to the routes;
 * test/unit/openapi.test.ts checks that it and the route files under app/api describe the same API.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
const jsonContent = (schema: object) => ({ "application/json": { schema } });

const nameParameter = { $ref: "#/components/parameters/TemplateName" };
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

const environment = {
  type: "object",
  description: "One instance of a template, as its owner sees it. Rendered Helm values stay on the server.",
  required: [
    "uuid", "name", "displayName", "icon", "version", "owner", "shared", "phase", "status", "step", "health", "message", "problem", "url", "connectionType",
    "connectionMessage", "namespace", "engine", "engineRef", "pooled", "params", "createdAt", "claimedAt", "readyAt", "expiresAt", "isUnlimited", "extendCount",
    "maxExtends", "extendSeconds", "extensionsLeft",
  ],
  properties: {
    uuid: { type: "string", pattern: "^[0-9a-f]{8}$", description: "The instance's id." },
    name: { type: "string", description: "The template's name." },
    displayName: { type: "string" },
    icon: { type: "string" },
    version: { type: "integer", description: "The template version the instance was created from." },
    owner: { type: ["string", "null"], description: "The owner key: a username, or a group for shared instances." },
    shared: { type: "boolean", description: "True when owned by a group rather than the caller." },
    phase: { type: "string", enum: ["Pending", "Provisioning", "Ready", "Available", "Claimed", "Failed", "Expiring"] },
    status: { type: "string", enum: ["pending", "Progressing", "Healthy", "Degraded", "Deleting"], description: "Dploy-compatible one-word status." },
    step: { type: ["string", "null"], enum: ["applying", "fetching", "installing", "ready", null], description: "The provisioning step Flux last reported; kept when the instance fails" },
    health: { type: ["string", "null"] },
    message: { type: ["string", "null"], description: "What the engine or Flux last reported, as they wrote it." },
    problem: {
      type: ["object", "null"],
      description: "What is wrong, in plain words; null while nothing is. A failed instance always has one.",
      required: ["kind", "summary", "fix"],
      properties: {
        kind: {
          type: "string",
          enum: ["source-unreachable", "chart-not-found", "install-failed", "timed-out", "cluster-unreachable", "cluster-credentials", "forbidden", "flux-missing", "rejected", "no-cluster", "unknown"],
        },
        summary: { type: "string", description: "For the owner: what happened and what they can do." },
        fix: { type: "string", description: "For staff: where to look to fix it." },
      },
    },
    url: { type: ["string", "null"], description: "Where the environment is reached once Ready." },
    connectionType: {
      type: "string",
      enum: ["web", "instructions"],
      description: "How to reach it once Ready: web opens the url; instructions follows connectionMessage.",
    },
    connectionMessage: {
      type: ["string", "null"],
      maxLength: 8000,
      description: "Plain text on how to connect, rendered at launch (values in it cannot add lines); null for web.",
    },
    namespace: { type: ["string", "null"] },
    engine: { type: "string" },
    engineRef: { type: ["string", "null"] },
    pooled: { type: "boolean", description: "True for a member of a warm pool." },
    params: { type: "object", additionalProperties: true, description: "The launch parameters, with defaults applied." },
    createdAt: { type: "string", format: "date-time" },
    claimedAt: { type: ["string", "null"], format: "date-time" },
    readyAt: { type: ["string", "null"], format: "date-time" },
    expiresAt: { type: ["string", "null"], format: "date-time", description: "Null when the TTL is unlimited." },
    isUnlimited: { type: "boolean" },
    extendCount: { type: "integer", minimum: 0 },
    maxExtends: { type: "integer" },
    extendSeconds: { type: "integer" },
    extensionsLeft: { type: ["integer", "null"], description: "Extensions still possible (0 for a failed instance); null when the TTL is unlimited." },
  },
};

const environmentList = {
  type: "object",
  required: ["environments", "count", "quota"],
  properties: {
    environments: { type: "array", items: ref("Environment") },
    count: { type: "integer" },
    quota: {
      type: "object",
      required: ["used", "limit", "templates"],
      properties: {
        used: { type: "integer", description: "Live instances owned by the caller's username." },
        limit: { type: ["integer", "null"], description: "The limit per user that applies to launching; null when unlimited." },
        templates: {
          type: "array",
          description: "Templates with a limit of their own: launching one of those is held to that limit instead.",
          items: {
            type: "object",
            required: ["name", "displayName", "limit"],
            properties: { name: { type: "string" }, displayName: { type: "string" }, limit: { type: ["integer", "null"] } },
          },
        },
      },
    },
  },
};

const memberTally = {
  type: "object",
  required: ["available", "starting", "stuck", "failed", "claimed", "ending"],
  properties: {
    available: { type: "integer", minimum: 0, description: "Unclaimed and ready to claim." },
    starting: { type: "integer", minimum: 0, description: "Unclaimed and starting (Pending, Provisioning)." },
    stuck: { type: "integer", minimum: 0, description: "Of the starting ones, those past their launch limit: the worker fails them." },
    failed: { type: "integer", minimum: 0, description: "Unclaimed members that failed to start: the worker replaces them." },
    claimed: { type: "integer", minimum: 0, description: "Claimed by someone: never touched by the pool." },
    ending: { type: "integer", minimum: 0, description: "Unclaimed members being torn down." },
  },
};

const endedMember = {
  type: "object",
  required: ["uuid", "version", "message", "at"],
  properties: {
    uuid: { type: "string", pattern: "^[0-9a-f]{8}$" },
    version: { type: "integer", description: "The template version it was created from." },
    message: { type: "string", description: "Why it ended, or its last report, as written." },
    at: { type: "string", format: "date-time" },
  },
};

const poolState = {
  type: "object",
  description: "A pool template's warm pool now. Members of older versions are replaced by members of the current one.",
  required: [
    "name", "currentVersion", "size", "desired", "maxSize", "liveInstances", "paused", "totals", "versions", "recyclable", "rolling", "lastFailure", "recent", "sentence",
    "observedAt",
  ],
  properties: {
    name: { type: "string" },
    currentVersion: { type: "integer", description: "The template's latest version: new members are created from it." },
    size: { type: "integer", minimum: 0, description: "The pool's size setting." },
    desired: { type: "integer", minimum: 0, description: "Unclaimed members the worker keeps now (0 when the template keeps no pool)." },
    maxSize: { type: "integer", minimum: 0, description: "The most instances of the template in all; 0 = no limit." },
    liveInstances: { type: "integer", minimum: 0, description: "Instances counted against maxSize: claimed, on-demand and unclaimed." },
    paused: { type: ["string", "null"], description: "Why the worker does not keep the pool filled now (no cluster, disabled, invalid); null when it does." },
    totals: memberTally,
    versions: {
      type: "array",
      description: "Versions with members, newest first.",
      items: {
        allOf: [
          memberTally,
          {
            type: "object",
            required: ["version", "current", "beingReplaced"],
            properties: {
              version: { type: "integer" },
              current: { type: "boolean", description: "True for the template's latest version." },
              beingReplaced: { type: "boolean", description: "True while its unclaimed members are being replaced by members of the current version." },
            },
          },
        ],
      },
    },
    recyclable: {
      type: "object",
      description: "How many unclaimed members a recycle by hand of each scope would end now.",
      required: ["all", "failed", "outdated"],
      properties: { all: { type: "integer", minimum: 0 }, failed: { type: "integer", minimum: 0 }, outdated: { type: "integer", minimum: 0 } },
    },
    rolling: { type: "boolean", description: "True while unclaimed members of an older version wait to be replaced." },
    lastFailure: { oneOf: [endedMember, { type: "null" }], description: "The last unclaimed member that failed to start, with its report." },
    recent: { type: "array", items: endedMember, description: "The unclaimed members ended last, newest first, with why." },
    sentence: { type: "string", description: "The state in one sentence." },
    observedAt: { type: "string", format: "date-time" },
  },
};

const apiToken = {
  type: "object",
  required: ["id", "name", "createdAt", "lastUsedAt", "expiresAt", "revoked"],
  properties: {
    id: { type: "string", format: "uuid" },
    name: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
    lastUsedAt: { type: ["string", "null"], format: "date-time" },
    expiresAt: { type: ["string", "null"], format: "date-time", description: "Null for a token that never expires." },
    revoked: { type: "boolean" },
  },
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

export const openApiDocument = {
  openapi: "3.1.1",
  info: {
    title: "Envdeck API",
    version: appVersion,
    description:
      "Launch, inspect, extend and delete your environments. Authenticate with a personal API token " +
      "(`Authorization: Bearer edk_…`, created while signed in) or, from the browser, with the session cookie. " +
      "Cookie-authenticated requests that change state must come from Envdeck's own pages.",
  },
  security: [{ bearerToken: [] }, { sessionCookie: [] }],
  tags: [
    { name: "dploy", description: "Dploy-compatible paths: an environment is named by its template." },
    { name: "environments", description: "Environments by uuid." },
    adminEnvironmentTag,
    { name: "tokens", description: "Personal API tokens." },
    { name: "templates", description: "Templates and their warm pools (admins only)." },
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
            content: jsonContent({ type: "object", required: ["tokens"], properties: { tokens: { type: "array", items: ref("ApiToken") } } }),
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
    },
    parameters: {
      TemplateName: { name: "name", in: "path", required: true, description: "The template's name.", schema: { type: "string", pattern: "^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$" } },
      InstanceUuid: { name: "uuid", in: "path", required: true, description: "The instance's id.", schema: { type: "string", pattern: "^[0-9a-f]{8}$" } },
    },
    schemas: {
      Environment: environment,
      LaunchResult: {
        allOf: [
          ref("Environment"),
          {
            type: "object",
            required: ["outcome"],
            properties: { outcome: { type: "string", enum: ["existing", "claimed", "created"], description: "existing (200), claimed from the warm pool or created (201)." } },
          },
        ],
      },
      EnvironmentList: environmentList,
      ...adminEnvironmentSchemas,
      DployEnvironmentList: {
        allOf: [
          ref("EnvironmentList"),
          { type: "object", required: ["limit"], properties: { limit: { type: ["integer", "null"], description: "Same as quota.limit." } } },
        ],
      },
      RunRequest: {
        type: "object",
        additionalProperties: false,
        properties: { params: { type: "object", additionalProperties: true, description: "Launch parameter values, typed as the template's schema says." } },
      },
      ApiToken: apiToken,
      PoolState: poolState,
      NewApiToken: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1, maxLength: 100, description: "No control characters." },
          expiresInDays: { type: "integer", minimum: 1, maximum: 365, description: "Omit for a token that never expires." },
        },
      },
      CreatedApiToken: {
        allOf: [
          ref("ApiToken"),
          { type: "object", required: ["token"], properties: { token: { type: "string", description: "The secret: shown only now, never again." } } },
        ],
      },
      Error: {
        type: "object",
        required: ["error", "code"],
        properties: {
          error: { type: "string", description: "What went wrong, in words for people." },
          code: {
            type: "string",
            enum: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "INVALID_INPUT", "CONFLICT", "QUOTA_EXCEEDED", "POOL_EXHAUSTED", "UNAVAILABLE", "PAYLOAD_TOO_LARGE", "INTERNAL"],
          },
          fields: { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, description: "Problems by field or parameter." },
        },
      },
      Health: {
        type: "object",
        required: ["status", "version", "database"],
        properties: {
          status: { type: "string", enum: ["ok", "degraded"] },
          version: { type: "string" },
          database: { type: "object", required: ["ok", "latencyMs"], properties: { ok: { type: "boolean" }, latencyMs: { type: "integer" }, error: { type: "string" } } },
        },
      },
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
      Conflict: { description: "The environment has used all its extensions, has expired or failed to start (code CONFLICT).", content: jsonContent(ref("Error")) },
      PayloadTooLarge: { description: "The request body is larger than 64 kB (code PAYLOAD_TOO_LARGE).", content: jsonContent(ref("Error")) },
      Unavailable: {
        description:
          "POOL_EXHAUSTED: no warm environment is free and no more may be created. UNAVAILABLE: this portal has no cluster to launch on, " +
          "or the template must be fixed by an administrator.",
        content: jsonContent(ref("Error")),
      },
    },
  },
};
