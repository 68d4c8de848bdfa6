import "server-only";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { findOwnedInstance, type InstanceRef } from "./internal/owned";
import { toEnvironmentView, type EnvironmentView } from "./view";

export type { InstanceRef };

/** One of the caller's instances, by uuid or as "my live instance of that template". */
export async function getInstance(identity: Identity | null, ref: InstanceRef): Promise<EnvironmentView> {
  assertCan(identity, "instance:launch");
  return toEnvironmentView(await findOwnedInstance(identity, ref), identity);
}
