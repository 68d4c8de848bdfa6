import "server-only";
import { findClassTemplateRow } from "@/lib/db/class-templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { classTemplateNotFound, scopeOf, viewOf, type ClassTemplateView } from "./internal/class-templates";

export type { ClassTemplateView };

/** One of the caller's class templates (admins: anyone's), or NOT_FOUND. */
export async function getClassTemplate(identity: Identity | null, input: { name: string }): Promise<ClassTemplateView> {
  assertCan(identity, "class-template:manage");
  const row = await findClassTemplateRow(String(input?.name ?? ""), scopeOf(identity));
  if (!row) throw classTemplateNotFound(String(input?.name ?? ""));
  return viewOf(row);
}
