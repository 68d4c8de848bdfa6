import { z } from "zod";
import { MAX_WARM_UP_SIZE, warmUpChangeSchema, warmUpInputSchema } from "@/lib/domain/warm-ups";
import { requestSchema, responseSchema } from "./registry";

/**
 * Warm-ups over the REST API (`/api/v1/classes/{slug}/warm-ups`, `/api/v1/warm-ups…`): a booking as its class's
 * teachers (or an admin) read it, with its live state, and the bodies that book and change one. The request
 * schemas are the booking form's own rules (lib/domain/warm-ups.ts); the use cases check again what only the
 * database knows (the template, the class, room under maxSize).
 */

const count = z.number().int().min(0);

const state = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("scheduled"), startsAt: z.date(), warmsAt: z.date().describe("When its pool starts growing: the start less the lead time.") }),
    z.object({ kind: z.literal("warming"), ready: count, size: count, startsAt: z.date() }),
    z.object({ kind: z.literal("ready"), ready: count, size: count, readySince: z.date().nullable().describe("When the last member it needed became Available."), startsAt: z.date() }),
    z.object({ kind: z.literal("in-class"), claimed: count.describe("Environments its class's students claimed in this occurrence."), ready: count, size: count, endsAt: z.date() }),
    z.object({ kind: z.literal("over") }),
    z.object({ kind: z.literal("cancelled") }),
  ])
  .describe("Where the booking is now: scheduled, warming (ready of size), ready, in class (claimed), over or cancelled.");

export const WarmUpSchema = responseSchema(
  "WarmUp",
  z
    .object({
      id: z.string().describe("The booking's id."),
      class: z.object({ slug: z.string(), title: z.string() }),
      template: z.object({ name: z.string(), displayName: z.string() }),
      size: z.number().int().min(1).max(MAX_WARM_UP_SIZE).describe("Warm environments booked."),
      startsAt: z.date().describe("The first occurrence's start, as an instant."),
      endsAt: z.date().describe("The first occurrence's end, as an instant."),
      localStartsAt: z.string().describe("The first start on the wall clock of `timeZone` (YYYY-MM-DDTHH:MM)."),
      localEndsAt: z.string(),
      timeZone: z.string().describe("The IANA zone it was booked in: weekly occurrences keep its wall-clock times."),
      weeklyUntil: z.string().nullable().describe("The last date (YYYY-MM-DD) of a weekly booking; null for a single one."),
      next: z.object({ startsAt: z.date(), endsAt: z.date() }).nullable().describe("The occurrence running now or next; null when over or cancelled."),
      createdBy: z.string().nullable(),
      createdAt: z.date(),
      cancelledAt: z.date().nullable(),
      state,
      leadSeconds: z.number().int().min(0).describe("How long before a start its pool begins to grow, learned from how long its members took to become Available."),
    })
    .describe("N warm environments of a pool template booked for a class."),
);

export const WarmUpListSchema = responseSchema("WarmUpList", z.object({ warmUps: z.array(WarmUpSchema).describe("Those to come first, by start; then the latest over or cancelled.") }));

export const WarmUpCreateSchema = requestSchema(
  "WarmUpCreate",
  warmUpInputSchema.describe(`A booking: local wall-clock start and end in \`timeZone\`, the size (1 to ${MAX_WARM_UP_SIZE}; left out: the roster size), and for a weekly one the last date.`),
);

export const WarmUpPatchSchema = requestSchema("WarmUpPatch", warmUpChangeSchema.describe("Some fields of a booking: those left out stay. Times are checked together, as a new booking's are."));
