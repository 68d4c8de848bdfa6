import "server-only";
import type { Identity } from "@/lib/domain/identity";
import { redeemJoinCode, type JoinedClass } from "./internal/redeem";

/**
 * Which class a join code opens, for the join page before its button is pressed: nothing changes, but a code
 * that opens nothing counts as a wrong one, exactly as joining with it would (else the page would be a free
 * oracle for guessing).
 */
export async function checkJoinCode(identity: Identity | null, input: { code?: unknown }): Promise<JoinedClass> {
  return redeemJoinCode(identity, input, false);
}
