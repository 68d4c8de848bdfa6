import "server-only";
import { listTemplateChoices } from "@/lib/db/instances";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";

export interface EnvironmentFilterChoices {
  /** Every template that is not a base, deleted ones marked: their environments may still run. */
  templates: { name: string; displayName: string; deleted: boolean }[];
}

/** What the admin's list of environments offers to filter by (admins only). */
export async function listEnvironmentFilterChoices(identity: Identity | null): Promise<EnvironmentFilterChoices> {
  assertCan(identity, "instance:manage-any");
  return { templates: await listTemplateChoices() };
}
