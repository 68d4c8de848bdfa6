"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withIdentity } from "@/lib/auth/actions";
import { bookWarmUp } from "@/lib/services/warm-ups/book-warm-up";
import { cancelWarmUp } from "@/lib/services/warm-ups/cancel-warm-up";
import { updateWarmUp } from "@/lib/services/warm-ups/update-warm-up";

// Form text is bounded here only against abuse; the use cases check each field's real rules and say which.
const short = z.string().max(1000);
const optional = z.string().max(1000).optional();

/** The booking's fields as the use cases take them: an empty size means the roster size, an empty last date a single warm-up. */
function bookingOf(form: { size?: string; startsAt: string; endsAt: string; timeZone: string; weekly?: string; weeklyUntil?: string }) {
  const size = form.size?.trim() ? Number(form.size) : undefined;
  return {
    ...(size !== undefined && { size: Number.isFinite(size) ? size : form.size }),
    startsAt: form.startsAt,
    endsAt: form.endsAt,
    timeZone: form.timeZone,
    weeklyUntil: form.weekly === "on" ? (form.weeklyUntil ?? "") : null,
  };
}

const pages = (slug: string) => {
  revalidatePath("/teach/warm-ups");
  revalidatePath(`/teach/classes/${slug}/warm-ups`);
};

const bookingFields = { size: optional, startsAt: short, endsAt: short, timeZone: short, weekly: optional, weeklyUntil: optional };

export const bookWarmUpAction = withIdentity(z.object({ slug: short, template: short, ...bookingFields }), async (identity, { slug, template, ...form }) => {
  const view = await bookWarmUp(identity, { slug, booking: { template, ...bookingOf(form) } });
  pages(slug);
  return { id: view.id };
});

export const updateWarmUpAction = withIdentity(z.object({ id: short, ...bookingFields }), async (identity, { id, ...form }) => {
  const view = await updateWarmUp(identity, { id, change: bookingOf(form) });
  pages(view.class.slug);
  return { id: view.id };
});

export const cancelWarmUpAction = withIdentity(z.object({ id: short }), async (identity, { id }) => {
  const view = await cancelWarmUp(identity, { id });
  pages(view.class.slug);
  return { id: view.id };
});
