import { CLASS_SLUG } from "@/lib/domain/classes";
import {
  ClassCreateSchema,
  ClassListSchema,
  ClassMemberListSchema,
  ClassPatchSchema,
  ClassSchema,
  JoinCodePatchSchema,
  JoinResultSchema,
  JoinSchema,
  MemberReportSchema,
  MembersAddSchema,
  TeacherAddSchema,
} from "./schemas/class";
import { error, returns, takes } from "./openapi-parts";

/**
 * Classes in the OpenAPI document (lib/api/openapi.ts): a teacher's classes, one class, its roster, its
 * teachers and its join code, and joining with a code. Kept apart so the document's own file stays a list
 * of areas.
 */

const response = (name: string) => ({ $ref: `#/components/responses/${name}` });

export const classTag = { name: "classes", description: "Classes: rosters, co-teachers and join codes (teachers, for the classes they teach; admins, every class); joining with a code (anyone signed in)." };

const slugParameter = { name: "slug", in: "path", required: true, description: "The class's short name.", schema: { type: "string", pattern: CLASS_SLUG.source } };
const usernameParameter = { name: "username", in: "path", required: true, description: "An account's username.", schema: { type: "string", minLength: 1, maxLength: 100 } };

const teacherOnly = {
  "401": response("Unauthenticated"),
  "403": error("The caller is not a teacher (code FORBIDDEN), or a cookie-authenticated change came from another site."),
};
const classNotFound = { "404": error("No such class, or one the caller does not teach: both read the same (code NOT_FOUND).") };
const invalid = { "400": response("InvalidInput") };

export const classPaths = {
  "/api/v1/classes": {
    get: {
      tags: ["classes"],
      operationId: "listClasses",
      summary: "The classes I teach (every class, for an admin)",
      responses: { "200": returns("Active classes first, by title.", ClassListSchema), ...teacherOnly },
    },
    post: {
      tags: ["classes"],
      operationId: "createClass",
      summary: "Create a class, taught by me, with an open join code",
      requestBody: takes(ClassCreateSchema),
      responses: {
        "201": returns("The new class; Location names it.", ClassSchema),
        ...invalid,
        ...teacherOnly,
        "409": error("The short name is taken (code CONFLICT)."),
        "413": response("PayloadTooLarge"),
      },
    },
  },
  "/api/v1/classes/{slug}": {
    parameters: [slugParameter],
    get: { tags: ["classes"], operationId: "getClass", summary: "One class", responses: { "200": returns("The class.", ClassSchema), ...teacherOnly, ...classNotFound } },
    patch: {
      tags: ["classes"],
      operationId: "updateClass",
      summary: "Change a class's title, term or bound groups, or archive it and bring it back",
      requestBody: takes(ClassPatchSchema),
      responses: { "200": returns("The class as it is now.", ClassSchema), ...invalid, ...teacherOnly, ...classNotFound, "413": response("PayloadTooLarge") },
    },
    delete: {
      tags: ["classes"],
      operationId: "archiveClass",
      summary: "Archive a class",
      description: "Hides it from its students' catalogs and stops joining; deletes nothing and ends no environment. PATCH with archived: false brings it back.",
      responses: { "204": { description: "Archived (archiving twice is fine)." }, ...teacherOnly, ...classNotFound },
    },
  },
  "/api/v1/classes/{slug}/members": {
    parameters: [slugParameter],
    get: { tags: ["classes"], operationId: "listClassMembers", summary: "A class's roster", responses: { "200": returns("Everyone in the class.", ClassMemberListSchema), ...teacherOnly, ...classNotFound } },
    post: {
      tags: ["classes"],
      operationId: "addClassMembers",
      summary: "Add members by username (with dryRun: only report what adding would do)",
      description: "Unknown users, names listed twice, invalid names and members already in are reported and skipped. More than 10 000 names is refused as a whole (400).",
      requestBody: takes(MembersAddSchema),
      responses: { "200": returns("What happened (or would happen) to each name.", MemberReportSchema), ...invalid, ...teacherOnly, ...classNotFound, "413": error("The body is larger than 1 MiB (code PAYLOAD_TOO_LARGE).") },
    },
  },
  "/api/v1/classes/{slug}/members/{username}": {
    parameters: [slugParameter, usernameParameter],
    delete: {
      tags: ["classes"],
      operationId: "removeClassMember",
      summary: "Remove a member who joined or was added",
      responses: {
        "204": { description: "Removed." },
        ...teacherOnly,
        "404": error("No such class (or not the caller's), or no such member (code NOT_FOUND)."),
        "409": error("A member through a bound group: unbind the group instead (code CONFLICT)."),
      },
    },
  },
  "/api/v1/classes/{slug}/teachers": {
    parameters: [slugParameter],
    post: {
      tags: ["classes"],
      operationId: "addClassTeacher",
      summary: "Add a co-teacher (an account with the teacher role)",
      requestBody: takes(TeacherAddSchema),
      responses: {
        "200": returns("They taught it already: nothing changed.", ClassSchema),
        "201": returns("Added.", ClassSchema),
        "400": error("Invalid input, or the account is not a teacher (code INVALID_INPUT)."),
        ...teacherOnly,
        "404": error("No such class (or not the caller's), or no such account (code NOT_FOUND)."),
        "413": response("PayloadTooLarge"),
      },
    },
  },
  "/api/v1/classes/{slug}/teachers/{username}": {
    parameters: [slugParameter, usernameParameter],
    delete: {
      tags: ["classes"],
      operationId: "removeClassTeacher",
      summary: "Remove a teacher (a class keeps at least one)",
      responses: {
        "204": { description: "Removed." },
        ...teacherOnly,
        "404": error("No such class (or not the caller's), or they do not teach it (code NOT_FOUND)."),
        "409": error("The last teacher of the class (code CONFLICT)."),
      },
    },
  },
  "/api/v1/classes/{slug}/join-code": {
    parameters: [slugParameter],
    post: {
      tags: ["classes"],
      operationId: "rotateJoinCode",
      summary: "Replace the join code: the old one stops working at once",
      responses: { "200": returns("The class with its new code.", ClassSchema), ...invalid, ...teacherOnly, ...classNotFound, "413": response("PayloadTooLarge") },
    },
    patch: {
      tags: ["classes"],
      operationId: "setJoinCode",
      summary: "Turn joining by code on or off, and set when the code expires",
      requestBody: takes(JoinCodePatchSchema),
      responses: { "200": returns("The class as it is now.", ClassSchema), ...invalid, ...teacherOnly, ...classNotFound, "413": response("PayloadTooLarge") },
    },
  },
  "/api/v1/join": {
    post: {
      tags: ["classes"],
      operationId: "joinClass",
      summary: "Join a class with its code",
      description:
        "Every code that opens nothing (mistyped, replaced, turned off, expired, of an archived class) gets the same 404, and counts against the caller: " +
        "after 10 of them within 15 minutes the caller must wait (429, the message says how long). Codes that work never count.",
      requestBody: takes(JoinSchema),
      responses: {
        "200": returns("Joined, or a member already (nothing changed).", JoinResultSchema),
        ...invalid,
        "401": response("Unauthenticated"),
        "403": error("A cookie-authenticated request from another site (code FORBIDDEN)."),
        "404": error("The code opens no class (code NOT_FOUND)."),
        "413": response("PayloadTooLarge"),
        "429": error("Too many codes that did not work: wait as the message says (code RATE_LIMITED)."),
      },
    },
  },
};
