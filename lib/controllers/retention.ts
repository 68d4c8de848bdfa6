import "server-only";
import { deleteAuditEventsBefore } from "@/lib/db/audit-trail";
import { pruneJoinAttempts } from "@/lib/db/classes";
import { pruneSignInAttempts } from "@/lib/db/sign-in-attempts";
import { JOIN_WINDOW_SECONDS } from "@/lib/domain/classes";
import { THROTTLE_WINDOW_SECONDS } from "@/lib/domain/sign-in-throttle";
import type { ControllerContext } from "./context";

/** Rows deleted per statement: small enough that a delete never holds the table's locks for long. */
const BATCH = 1000;

export interface RetentionPass {
  auditDeleted: number;
  attemptsDeleted: number;
  /** More old rows are left than one pass deletes: run again soon. */
  more: boolean;
}

/**
 * Retention, level-based like every controller: deletes audit entries older than the `audit.retentionDays`
 * setting (read live, so shortening it takes effect at the next pass) and sign-in attempts and wrong join codes
 * that no longer count for throttling, in batches, at most `maxBatches` of each per pass so a large backlog never keeps the
 * worker from its other work. Running it twice, late or after a crash is safe.
 */
export async function enforceRetention(ctx: ControllerContext, maxBatches = 20): Promise<RetentionPass> {
  const { audit } = await ctx.settings.read();
  const now = ctx.now().getTime();
  const auditCutoff = new Date(now - audit.retentionDays * 86_400_000);
  // Attempts are kept a little past the window, so one that just left it is never needed again.
  const attemptCutoff = new Date(now - 2 * THROTTLE_WINDOW_SECONDS * 1000);
  const drain = async (deleteBatch: () => Promise<number>) => {
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await deleteBatch();
      deleted += count;
      if (count < BATCH) return { deleted, more: false };
    }
    return { deleted, more: true };
  };
  const auditPass = await drain(() => deleteAuditEventsBefore(auditCutoff, BATCH));
  const attemptPass = await drain(() => pruneSignInAttempts(attemptCutoff, BATCH));
  // Wrong join codes likewise, once they no longer count against their user.
  const joinPass = await drain(() => pruneJoinAttempts(new Date(now - 2 * JOIN_WINDOW_SECONDS * 1000), BATCH));
  if (auditPass.deleted > 0) ctx.log(`retention: deleted ${auditPass.deleted} audit entries older than ${audit.retentionDays} days`);
  return { auditDeleted: auditPass.deleted, attemptsDeleted: attemptPass.deleted + joinPass.deleted, more: auditPass.more || attemptPass.more || joinPass.more };
}
