import "server-only";
import { sqlPool } from "@/lib/db/client";
import { loadTemplate } from "@/lib/db/templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { poolProblem } from "./internal/warm-ups";

export interface BookableTemplateView {
  name: string;
  displayName: string;
  /** The pool's base size and cap (0 = no cap). */
  poolSize: number;
  poolMaxSize: number;
}

/**
 * The templates the caller may warm up, by display name: pool templates that can be warmed (system ones, and a
 * teacher's own; every one for an admin). The form offers only these; the booking checks again.
 */
export async function listBookableTemplates(identity: Identity | null): Promise<BookableTemplateView[]> {
  assertCan(identity, "class:manage");
  const isAdmin = identity.roles.includes("admin");
  const { rows } = await sqlPool().query<{ name: string }>(
    `SELECT name FROM templates WHERE method = 'pool' AND enabled AND NOT is_base AND deleted_at IS NULL AND validation_error IS NULL
       AND ($1 OR owner_id IS NULL OR owner_id = $2::uuid) ORDER BY display_name, name`,
    [isAdmin, identity.source === "system" ? null : identity.userId],
  );
  const views: BookableTemplateView[] = [];
  for (const { name } of rows) {
    const template = await loadTemplate({ name });
    if (!poolProblem(template)) views.push({ name, displayName: template.displayName, poolSize: template.poolSize, poolMaxSize: template.poolMaxSize });
  }
  return views;
}
