import "server-only";
import type { TemplateIcon } from "@/lib/domain/catalog";
import { sqlPool } from "./client";

/**
 * Class templates (templates a teacher owns, extending a base an admin opened to teachers) as their owners
 * and the launch path read them. Scopes are given by the use case: an `ownerId` limits a query to that
 * teacher's templates, null means every teacher's (an admin's reach).
 */

/** A class template as its owner's list and editor read it. */
export interface ClassTemplateRow {
  id: string;
  name: string;
  displayName: string;
  description: string;
  icon: TemplateIcon;
  category: string;
  ownerId: string;
  ownerName: string | null;
  base: string;
  baseDisplayName: string | null;
  /** The value paths its base lets it set now; empty when the base is gone or closed to teachers. */
  allowedPaths: string[];
  baseOpen: boolean;
  version: number;
  valuesTemplate: string;
  parameters: unknown;
  validationError: string | null;
  /** Live catalogs that list it. */
  catalogs: number;
  createdAt: Date;
  updatedAt: Date;
}

const ROW_SELECT = `t.id::text, t.name, t.display_name AS "displayName", t.description, t.icon::text, t.category,
  t.owner_id::text AS "ownerId", u.username AS "ownerName", v.extends_name AS base, b.display_name AS "baseDisplayName",
  CASE WHEN b.teacher_extensible THEN coalesce(b.teacher_value_paths, '{}') ELSE '{}' END AS "allowedPaths",
  coalesce(b.teacher_extensible AND b.is_base AND b.owner_id IS NULL, false) AS "baseOpen",
  v.version, v.values_template AS "valuesTemplate", v.parameters, t.validation_error AS "validationError",
  (SELECT count(*)::int FROM catalog_items ci JOIN catalogs c ON c.id = ci.catalog_id WHERE ci.template_id = t.id AND c.deleted_at IS NULL) AS catalogs,
  t.created_at AS "createdAt", t.updated_at AS "updatedAt"
  FROM templates t
  JOIN LATERAL (SELECT version, values_template, parameters, extends_name FROM template_versions WHERE template_id = t.id ORDER BY version DESC LIMIT 1) v ON true
  LEFT JOIN users u ON u.id = t.owner_id
  LEFT JOIN templates b ON b.name = v.extends_name AND b.deleted_at IS NULL`;

/** Live class templates in scope, by display name. */
export async function listClassTemplateRows(scope: { ownerId: string | null }): Promise<ClassTemplateRow[]> {
  const { rows } = await sqlPool().query<ClassTemplateRow>(
    `SELECT ${ROW_SELECT}
     WHERE t.owner_id IS NOT NULL AND t.deleted_at IS NULL AND ($1::uuid IS NULL OR t.owner_id = $1::uuid)
     ORDER BY lower(t.display_name), t.name`,
    [scope.ownerId],
  );
  return rows;
}

/** One live class template in scope by name, or null (another teacher's is null too). */
export async function findClassTemplateRow(name: string, scope: { ownerId: string | null }): Promise<ClassTemplateRow | null> {
  const { rows } = await sqlPool().query<ClassTemplateRow>(
    `SELECT ${ROW_SELECT}
     WHERE t.name = $1 AND t.owner_id IS NOT NULL AND t.deleted_at IS NULL AND ($2::uuid IS NULL OR t.owner_id = $2::uuid)`,
    [name, scope.ownerId],
  );
  return rows[0] ?? null;
}

/** A base an admin opened to teachers, as a teacher chooses one. */
export interface OpenBaseRow {
  name: string;
  displayName: string;
  description: string;
  icon: TemplateIcon;
  category: string;
  valuePaths: string[];
  /** The parameters the base chain declares already (a class template adds its own only). */
  parameters: unknown;
}

/** The live system base templates teachers may extend, by display name. */
export async function listOpenBaseRows(): Promise<OpenBaseRow[]> {
  const { rows } = await sqlPool().query<OpenBaseRow>(
    `SELECT t.name, t.display_name AS "displayName", t.description, t.icon::text, t.category,
            coalesce(t.teacher_value_paths, '{}') AS "valuePaths", v.parameters
     FROM templates t
     JOIN LATERAL (SELECT parameters FROM template_versions WHERE template_id = t.id ORDER BY version DESC LIMIT 1) v ON true
     WHERE t.is_base AND t.owner_id IS NULL AND t.teacher_extensible AND t.deleted_at IS NULL
     ORDER BY lower(t.display_name), t.name`,
  );
  return rows;
}

/**
 * Whether a catalog for one of `classIds` lists the template: what lets a student launch a class template.
 * One statement.
 */
export async function isListedForClasses(templateId: string, classIds: string[]): Promise<boolean> {
  if (classIds.length === 0) return false;
  const { rowCount } = await sqlPool().query(
    `SELECT 1 FROM catalog_items ci JOIN catalogs c ON c.id = ci.catalog_id JOIN catalog_classes cc ON cc.catalog_id = c.id
     WHERE ci.template_id = $1::uuid AND c.deleted_at IS NULL AND cc.class_id = ANY($2::uuid[]) LIMIT 1`,
    [templateId, classIds],
  );
  return (rowCount ?? 0) > 0;
}
