import { z } from "zod";
import { integer } from "./common";
import { responseSchema } from "./registry";

/** A pool template's warm pool over the REST API: `GET /api/v1/templates/{name}/pool`. */

const count = () => integer().min(0);
const memberTally = {
  available: count().describe("Unclaimed and ready to claim."),
  starting: count().describe("Unclaimed and starting (Pending, Provisioning)."),
  stuck: count().describe("Of the starting ones, those past their launch limit: the worker fails them."),
  failed: count().describe("Unclaimed members that failed to start: the worker replaces them."),
  claimed: count().describe("Claimed by someone: never touched by the pool."),
  ending: count().describe("Unclaimed members being torn down."),
};
const endedMember = z.object({
  uuid: z.string().regex(/^[0-9a-f]{8}$/),
  version: integer().describe("The template version it was created from."),
  message: z.string().describe("Why it ended, or its last report, as written."),
  at: z.iso.datetime(),
});

export const PoolStateSchema = responseSchema(
  "PoolState",
  z
    .object({
      name: z.string(),
      currentVersion: integer().describe("The template's latest version: new members are created from it."),
      size: count().describe("The pool's size setting."),
      desired: count().describe("Unclaimed members the worker keeps now (0 when the template keeps no pool)."),
      maxSize: count().describe("The most instances of the template in all; 0 = no limit."),
      liveInstances: count().describe("Instances counted against maxSize: claimed, on-demand and unclaimed."),
      paused: z.string().nullable().describe("Why the worker does not keep the pool filled now (no cluster, disabled, invalid); null when it does."),
      totals: z.object(memberTally),
      versions: z
        .array(
          z.object({
            ...memberTally,
            version: integer(),
            current: z.boolean().describe("True for the template's latest version."),
            beingReplaced: z.boolean().describe("True while its unclaimed members are being replaced by members of the current version."),
          }),
        )
        .describe("Versions with members, newest first."),
      recyclable: z.object({ all: count(), failed: count(), outdated: count() }).describe("How many unclaimed members a recycle by hand of each scope would end now."),
      rolling: z.boolean().describe("True while unclaimed members of an older version wait to be replaced."),
      lastFailure: endedMember.nullable().describe("The last unclaimed member that failed to start, with its report."),
      recent: z.array(endedMember).describe("The unclaimed members ended last, newest first, with why."),
      sentence: z.string().describe("The state in one sentence."),
      observedAt: z.iso.datetime(),
    })
    .describe("A pool template's warm pool now. Members of older versions are replaced by members of the current one."),
);
