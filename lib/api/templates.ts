import "server-only";
import type { z } from "zod";
import type { TemplateIcon } from "@/lib/domain/catalog";
import { AppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import type { LaunchPage } from "@/lib/services/instances/launch-page";
import { createTemplateFromStarter } from "@/lib/services/templates/create-from-starter";
import { createTemplate } from "@/lib/services/templates/create-template";
import { duplicateTemplate } from "@/lib/services/templates/duplicate-template";
import { getTemplateDetail, type TemplateDetail } from "@/lib/services/templates/get-detail";
import { importTemplate } from "@/lib/services/templates/import-template";
import { removeTemplateMetadataEntry } from "@/lib/services/templates/remove-metadata-entry";
import { requireMetadataEntry, setTemplateMetadataEntry, type MetadataKind } from "@/lib/services/templates/set-metadata-entry";
import { apiRoute, noContent, parseInput, readJsonObject, respond } from "./http";
import { AnnotationListSchema, AnnotationSchema, LabelListSchema, LabelSchema, type TemplateCatalogViewSchema, type TemplateCreateSchema, type TemplateSchema } from "./schemas/template";

/** From what the template use cases return to the API's template resources (lib/api/schemas/template.ts). */

/** The admin's view of a template: its settings, beside its latest version and what is wrong with it. */
export function templateResource(detail: TemplateDetail): z.input<typeof TemplateSchema> {
  return { name: detail.name, ...detail.settings, isBase: detail.isBase, version: detail.version, validationError: detail.validationError, defaultQuota: detail.defaultQuota };
}

/** What anyone who may launch a template reads of it: its launch page, without the caller's own environment. */
export function catalogView(page: LaunchPage): z.input<typeof TemplateCatalogViewSchema> {
  // The icon column holds only known icons; the schema checks it on the way out.
  return { ...page.template, icon: page.template.icon as TemplateIcon, parameters: page.parameters, unavailable: page.unavailable };
}

/** Creates a template the way the body says (`from`), with the use case the admin pages use for that way; its name. */
export async function createTemplateFrom(identity: Identity, body: z.output<typeof TemplateCreateSchema>): Promise<string> {
  switch (body.from) {
    case "starter":
      return (await createTemplateFromStarter(identity, body)).name;
    case "duplicate":
      return (await duplicateTemplate(identity, body)).name;
    case "import":
      return (await importTemplate(identity, body)).fields.name;
    default: {
      const { from: _from, ...template } = body;
      return (await createTemplate(identity, template)).name;
    }
  }
}

const ADMIN = { permission: "template:edit" } as const;
const METADATA = {
  labels: { one: "label", schema: LabelSchema, list: LabelListSchema },
  annotations: { one: "annotation", schema: AnnotationSchema, list: AnnotationListSchema },
} as const;

/**
 * A label or annotation key from the rest of the path. Keys hold a "/" (example.com/app): sent as %2F in one
 * segment or as a plain "/" across two, the router hands over the segments decoded, and they are joined back.
 */
function keyFromPath(segments: string | string[] | undefined): string {
  return (Array.isArray(segments) ? segments : [segments ?? ""]).join("/");
}

/**
 * The handlers of `/api/v1/templates/{name}/labels` and `…/annotations` (list, set one) and of
 * `…/{key}` under them (read one, remove one): the two differ only in their rules for values.
 */
export function metadataRoutes(kind: MetadataKind) {
  const { one, schema, list } = METADATA[kind];
  const read = async (identity: Identity, name: string) => (await getTemplateDetail(identity, { name })).settings[kind];
  return {
    list: apiRoute<{ name: string }>(async ({ params, identity }) => {
      const entries = Object.entries(await read(identity, params.name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return respond(list, { [kind]: entries.map(([key, value]) => ({ key, value })) } as z.input<typeof list>);
    }, ADMIN),
    set: apiRoute<{ name: string }>(async ({ request, params, identity }) => {
      const entry = parseInput(schema, await readJsonObject(request));
      const { created, key, value } = await setTemplateMetadataEntry(identity, { name: params.name, kind, ...entry });
      return respond(schema, { key, value }, created ? 201 : 200);
    }, ADMIN),
    get: apiRoute<{ name: string; key: string[] }>(async ({ params, identity }) => {
      const { key } = requireMetadataEntry(kind, { key: keyFromPath(params.key) }, { value: false });
      const map = await read(identity, params.name);
      if (!Object.hasOwn(map, key)) throw new AppError("NOT_FOUND", `Template "${params.name}" has no ${one} "${key}".`);
      return respond(schema, { key, value: map[key]! });
    }, ADMIN),
    remove: apiRoute<{ name: string; key: string[] }>(async ({ params, identity }) => {
      await removeTemplateMetadataEntry(identity, { name: params.name, kind, key: keyFromPath(params.key) });
      return noContent();
    }, ADMIN),
  };
}
