import "server-only";
import type { TemplateIcon } from "@/lib/domain/catalog";
import { listOpenBaseRows } from "@/lib/db/class-templates";
import type { Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { describeParameters } from "@/lib/templates/parameters";

export interface OpenBaseView {
  name: string;
  displayName: string;
  description: string;
  icon: TemplateIcon;
  category: string;
  /** The value paths a class template extending it may set. */
  valuePaths: string[];
  /** Parameter names the base declares: a class template cannot declare them again. */
  parameterNames: string[];
}

/** The system base templates an admin opened to teachers, to choose one for a new class template. */
export async function listOpenBases(identity: Identity | null): Promise<OpenBaseView[]> {
  assertCan(identity, "class-template:manage");
  return (await listOpenBaseRows()).map(({ parameters, ...base }) => {
    let parameterNames: string[] = [];
    try {
      parameterNames = describeParameters(parameters as Record<string, unknown>).map((field) => field.name);
    } catch {
      // A base whose parameters do not parse is broken; creating from it says so.
    }
    return { ...base, parameterNames };
  });
}
