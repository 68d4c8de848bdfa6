import "server-only";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { checkAgainstDatabase, readClassListFile, type ClassListReport } from "./internal/class-list";

export type { ClassListReport };

/** The dry run of a class list import: each row's outcome and problems, nothing written. */
export async function previewClassList(identity: Identity | null, input: { file?: unknown }): Promise<ClassListReport> {
  assertCan(identity, "user:manage");
  const list = await readClassListFile(input.file);
  return checkAgainstDatabase(db(), list);
}
