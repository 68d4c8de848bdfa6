import "server-only";
import type { Identity } from "@/lib/domain/identity";
import { redeemJoinCode, type JoinedClass } from "./internal/redeem";

export type { JoinedClass };

/** Joins the class a code opens ("link"), audited; joining twice changes nothing and says so. */
export async function joinClass(identity: Identity | null, input: { code?: unknown }): Promise<JoinedClass> {
  return redeemJoinCode(identity, input, true);
}
