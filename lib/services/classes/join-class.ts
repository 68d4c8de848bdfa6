import "server-only";
import type { Identity } from "@/lib/domain/identity";
import { redeemJoinCode, type JoinedClass } from "./internal/redeem";

export type { JoinedClass };

/** Joins the class a code opens ("link"), audited; joining twice changes nothing and says so. */
export async function joinClass(identity: Identity | null, input: { code?: unknown }): Promise<JoinedClass & { status: "joined" | "already" }> {
  const joined = await redeemJoinCode(identity, input, true);
  // Joining answers "joined" or "already"; "open" is only ever the answer of a look that joins nothing.
  if (joined.status === "open") throw new Error("joining a class answered as a look-up");
  return { ...joined, status: joined.status };
}
