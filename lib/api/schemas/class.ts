import { z } from "zod";
import {
  CLASS_SLUG,
  classGroupsSchema,
  classSlugSchema,
  classTermSchema,
  classTitleSchema,
  JOIN_CODE_ALPHABET,
  MAX_CLASS_SLUG,
  MAX_CLASS_TERM,
  MAX_CLASS_TITLE,
  MAX_MEMBER_LINES,
} from "@/lib/domain/classes";
import { integer } from "./common";
import { requestSchema, responseSchema } from "./registry";

/**
 * Classes over the REST API (`/api/v1/classes…`, `/api/v1/join`): a class as its teachers read it, its
 * roster, the bodies that create and change it, and joining with a code. The request schemas reuse the
 * rules of lib/domain/classes.ts, so the API refuses what the forms refuse, with the same words.
 */

const JOIN_STATES = ["open", "off", "expired"] as const;
const OUTCOMES = ["added", "already-member", "unknown-user", "duplicate", "invalid"] as const;

const classFields = {
  slug: z.string().describe("The short name, in URLs."),
  title: z.string(),
  term: z.string().describe("Empty when none."),
  groups: z.array(z.string()).describe("Identity-provider groups whose members are members of the class."),
  joinCode: z.string().nullable().describe("The code students redeem at /join/{code}; null when joining by code is off."),
  joinUrl: z.string().nullable().describe("The full join link; null when joining by code is off."),
  joinCodeExpiresAt: z.date().nullable().describe("When the code stops working; null: when a teacher turns it off or replaces it."),
  joinState: z.enum(JOIN_STATES).describe("Whether the code works now."),
  archivedAt: z.date().nullable().describe("Archived: hidden from its students' catalogs, cannot be joined; nothing else ends."),
  createdAt: z.date(),
};

export const ClassSchema = responseSchema(
  "Class",
  z
    .object({
      ...classFields,
      teachers: z.array(z.object({ username: z.string(), displayName: z.string().nullable() })).describe("By username; at least one."),
      catalogs: z.array(z.object({ slug: z.string(), title: z.string() })).describe("The catalogs for this class."),
    })
    .describe("A class as its teachers (and admins) read it."),
);

export const ClassSummarySchema = responseSchema(
  "ClassSummary",
  z.object({
    ...classFields,
    members: integer().describe("Each member once: joined, added, or in a bound group."),
    catalogs: integer(),
    teachers: z.array(z.string()).describe("Usernames."),
  }),
);

export const ClassListSchema = responseSchema(
  "ClassList",
  z.object({ classes: z.array(ClassSummarySchema).describe("The caller's classes (every class for an admin): active ones first, by title.") }),
);

export const ClassMemberListSchema = responseSchema(
  "ClassMemberList",
  z.object({
    groups: z.array(z.string()).describe("The class's bound groups."),
    members: z
      .array(
        z.object({
          username: z.string(),
          displayName: z.string().nullable(),
          via: z.enum(["link", "teacher", "group"]).describe("link: joined with the code; teacher: added by a teacher; group: only a bound group makes them a member (not removable one by one)."),
          joinedAt: z.date().nullable().describe("Null for members through a group."),
          viaGroups: z.array(z.string()).describe("The bound groups they belong to."),
        }),
      )
      .describe("By username."),
  }),
);

export const MemberReportSchema = responseSchema(
  "MemberReport",
  z.object({
    dryRun: z.boolean().describe("True: nothing was written."),
    rows: z.array(z.object({ line: integer(), text: z.string().describe("The name as written (shortened past 80 characters)."), username: z.string(), outcome: z.enum(OUTCOMES) })),
    counts: z.object(Object.fromEntries(OUTCOMES.map((o) => [o, integer()])) as Record<(typeof OUTCOMES)[number], ReturnType<typeof integer>>),
  }),
);

export const JoinResultSchema = responseSchema(
  "JoinResult",
  z.object({
    slug: z.string(),
    title: z.string(),
    status: z.enum(["joined", "already"]).describe("joined: now a member; already: was a member before (nothing changed)."),
  }),
);

// ---- Requests ----

const title = classTitleSchema.meta({ maxLength: MAX_CLASS_TITLE, description: "One line of printable text." });
const term = classTermSchema.meta({ maxLength: MAX_CLASS_TERM });

export const ClassCreateSchema = requestSchema(
  "ClassCreate",
  z.strictObject({
    title,
    slug: classSlugSchema.meta({ pattern: CLASS_SLUG.source, maxLength: MAX_CLASS_SLUG, description: 'Lowercase letters, digits and dashes; unique; not "new". Cannot be changed later.' }),
    term: term.optional(),
  }),
);

export const ClassPatchSchema = requestSchema(
  "ClassPatch",
  z
    .strictObject({
      title: title.optional(),
      term: term.optional(),
      groups: classGroupsSchema.optional(),
      archived: z.boolean({ error: "true or false." }).optional().describe("false brings an archived class back; true archives it (as DELETE does)."),
    })
    .describe("What is left out stays as it is."),
);

export const MembersAddSchema = requestSchema(
  "MembersAdd",
  z.strictObject({
    usernames: z
      .union([z.string(), z.array(z.string())], { error: "Usernames as text (one a line, or separated by commas) or as a list of strings." })
      .describe(`At most ${MAX_MEMBER_LINES} names.`),
    dryRun: z.boolean({ error: "true or false." }).optional().describe("true: report what adding would do, write nothing."),
  }),
);

export const TeacherAddSchema = requestSchema("TeacherAdd", z.strictObject({ username: z.string({ error: "Name an account." }).max(100).describe("An account with the teacher role.") }));

export const JoinCodePatchSchema = requestSchema(
  "JoinCodePatch",
  z.strictObject({
    enabled: z.boolean({ error: "true or false." }).describe("false turns joining by code off (the code is forgotten); true turns it on, with a new code if it was off."),
    expiresAt: z.iso
      .datetime({ offset: true, error: "A date and time like 2026-12-01T09:00:00Z, or null." })
      .nullable()
      .optional()
      .describe("When the code stops working (in the future, within 400 days); null: never; left out: as it is."),
  }),
);

export const JoinSchema = requestSchema(
  "Join",
  z.strictObject({ code: z.string({ error: "Send the join code." }).max(100).describe(`8 characters of ${JOIN_CODE_ALPHABET}, any case.`) }),
);
