import { WarmUpCreateSchema, WarmUpListSchema, WarmUpPatchSchema, WarmUpSchema } from "./schemas/warm-up";
import { error, returns, takes, teachersOnly, tooLarge, unauthenticated } from "./openapi-parts";

/**
 * The operations of `/api/v1/classes/{slug}/warm-ups` and `/api/v1/warm-ups…` for the OpenAPI document
 * (lib/api/openapi.ts). Their schemas come from lib/api/schemas/warm-up.ts.
 */

const noClass = error("No class the caller teaches has this short name (code NOT_FOUND).");
const noWarmUp = error("No warm-up of a class the caller teaches has this id (code NOT_FOUND).");
const invalid = error(
  "The body is invalid (code INVALID_INPUT); `fields` names each problem: an end not after the start, a start in the past, a size out of 1–1000, an unknown time zone, a template that cannot be warmed up (not a pool template, disabled, deleted, or values that use owner, params or claims).",
);
const noRoom = error("The template's maxSize has no room for this many next to its base pool and other warm-ups at that time, or the booking is over, cancelled or running (code CONFLICT; `fields.size` says how many are free).");

const slugParameter = { name: "slug", in: "path", required: true, description: "The class's short name.", schema: { type: "string", minLength: 1, maxLength: 40 } };
const idParameter = { name: "id", in: "path", required: true, description: "The warm-up's id.", schema: { type: "string" } };

export const warmUpTag = { name: "warm-ups", description: "Warm environments booked for a class before it starts (teachers: their classes; admins: all)." };

export const warmUpPaths = {
  "/api/v1/classes/{slug}/warm-ups": {
    parameters: [slugParameter],
    get: {
      tags: ["warm-ups"],
      operationId: "listClassWarmUps",
      summary: "A class's warm-ups, with their live state",
      responses: { "200": returns("Those to come first.", WarmUpListSchema), "401": unauthenticated, "403": teachersOnly, "404": noClass },
    },
    post: {
      tags: ["warm-ups"],
      operationId: "bookWarmUp",
      summary: "Book a warm-up for a class",
      description: "Checked against the template's maxSize with its other warm-ups, saved with its audit entry, and the pool controller is woken.",
      requestBody: takes(WarmUpCreateSchema),
      responses: {
        "201": { ...returns("The booking.", WarmUpSchema), headers: { Location: { description: "The warm-up under /api/v1/warm-ups.", schema: { type: "string" } } } },
        "400": invalid,
        "401": unauthenticated,
        "403": teachersOnly,
        "404": noClass,
        "409": noRoom,
        "413": tooLarge,
      },
    },
  },
  "/api/v1/warm-ups": {
    get: {
      tags: ["warm-ups"],
      operationId: "listMyWarmUps",
      summary: "The warm-ups of every class I teach (admins: every class)",
      responses: { "200": returns("Those to come first.", WarmUpListSchema), "401": unauthenticated, "403": teachersOnly },
    },
  },
  "/api/v1/warm-ups/{id}": {
    parameters: [idParameter],
    get: {
      tags: ["warm-ups"],
      operationId: "getWarmUp",
      summary: "One warm-up, with its live state",
      responses: { "200": returns("The booking.", WarmUpSchema), "401": unauthenticated, "403": teachersOnly, "404": noWarmUp },
    },
    patch: {
      tags: ["warm-ups"],
      operationId: "updateWarmUp",
      summary: "Change a warm-up's size or times",
      requestBody: takes(WarmUpPatchSchema),
      responses: { "200": returns("The booking as changed.", WarmUpSchema), "400": invalid, "401": unauthenticated, "403": teachersOnly, "404": noWarmUp, "409": noRoom, "413": tooLarge },
    },
    delete: {
      tags: ["warm-ups"],
      operationId: "cancelWarmUp",
      summary: "Cancel a warm-up",
      description: "Its pool shrinks back; environments students claimed stay theirs. Cancelling again changes nothing.",
      responses: { "200": returns("The cancelled booking.", WarmUpSchema), "401": unauthenticated, "403": teachersOnly, "404": noWarmUp },
    },
  },
};
