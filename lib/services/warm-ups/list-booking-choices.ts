import "server-only";
import { listClassSummaries } from "@/lib/db/classes";
import type { Identity } from "@/lib/domain/identity";
import { can } from "@/lib/domain/permissions";
import { listBookableTemplates, type BookableTemplateView } from "./list-bookable-templates";

export interface BookingChoices {
  templates: BookableTemplateView[];
  /** The classes the caller may book for (not archived), with their roster size: a booking's default size. */
  classes: { slug: string; title: string; rosterSize: number }[];
}

/** What the booking form offers the caller; nothing for someone who may only look. */
export async function listBookingChoices(identity: Identity): Promise<BookingChoices> {
  if (!can(identity, "class:manage")) return { templates: [], classes: [] };
  const [templates, classes] = await Promise.all([listBookableTemplates(identity), listClassSummaries(identity.roles.includes("admin") ? null : identity.userId)]);
  return { templates, classes: classes.filter((c) => !c.archivedAt).map((c) => ({ slug: c.slug, title: c.title, rosterSize: c.members })) };
}
