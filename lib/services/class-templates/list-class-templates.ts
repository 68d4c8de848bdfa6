import "server-only";
import { listClassTemplateRows } from "@/lib/db/class-templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { scopeOf, viewOf, type ClassTemplateView } from "./internal/class-templates";

/** The caller's class templates by display name; an admin's list holds every teacher's. */
export async function listClassTemplates(identity: Identity | null): Promise<ClassTemplateView[]> {
  assertCan(identity, "class-template:manage");
  return (await listClassTemplateRows(scopeOf(identity))).map(viewOf);
}
