import "server-only";
import { readSettings } from "@/lib/db/settings";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import type { Settings } from "@/lib/domain/settings";

/** The settings in force, with every default filled in. */
export async function getSettings(identity: Identity | null): Promise<Settings> {
  assertCan(identity, "settings:edit");
  return readSettings();
}
