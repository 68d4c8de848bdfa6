import "server-only";
import { findClassTemplateRow } from "@/lib/db/class-templates";
import { db } from "@/lib/db/client";
import { readSettings } from "@/lib/db/settings";
import { loadLibrary } from "@/lib/db/templates";
import { classTemplateInputSchema } from "@/lib/domain/class-template-rules";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { TemplateError } from "@/lib/templates/errors";
import { checkNewTemplate } from "../templates/create-template";
import { insertTemplate } from "../templates/internal/insert-template";
import { classTemplateSpec, readClassTemplateInput, requireOpenBase, requireValuesInside, templateProblems, viewOf, type ClassTemplateView } from "./internal/class-templates";

/**
 * A new class template owned by the caller: it extends a system base an admin opened to teachers, sets only
 * the value paths that base allows, and adds parameters of its own. It is never listed in the catalog for
 * everyone (students reach it through the caller's catalogs for their classes), launches on demand with the
 * portal's default lifetime, and is validated in full like every template, then stored as version 1 with its
 * audit entry in one transaction.
 */
export async function createClassTemplate(identity: Identity | null, input: unknown): Promise<ClassTemplateView> {
  assertCan(identity, "class-template:manage");
  const body = readClassTemplateInput(classTemplateInputSchema, input);
  // Checked here for a clear answer; insertTemplate checks the chain again under the save lock.
  const library = await db().$transaction((tx) => loadLibrary(tx));
  const base = requireOpenBase(library, body.base);
  requireValuesInside(body.values, base);
  const spec = classTemplateSpec(library, base, body);
  const draft = checkNewTemplate(
    {
      fields: { name: body.name, displayName: body.displayName, description: body.description, icon: body.icon, category: body.category, visible: false, enabled: true, isBase: false, method: "on_demand" },
      spec,
    },
    (await readSettings()).lifetime,
  );
  try {
    await insertTemplate(identity, draft, { action: "class-template.create", message: "Created", ownerId: identity.userId, origin: { base: base.name } });
  } catch (error) {
    if (error instanceof TemplateError) throw templateProblems(error);
    throw error;
  }
  return viewOf((await findClassTemplateRow(body.name, { ownerId: null }))!);
}
