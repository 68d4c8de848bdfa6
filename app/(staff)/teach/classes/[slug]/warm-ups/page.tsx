import type { Metadata } from "next";
import { WarmUpBoard } from "@/components/warm-ups/warm-ups";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import type { WarmUpJson } from "@/lib/client/queries";
import { can } from "@/lib/domain/permissions";
import { getClass } from "@/lib/services/classes/get-class";
import { listBookingChoices } from "@/lib/services/warm-ups/list-booking-choices";
import { listClassWarmUps } from "@/lib/services/warm-ups/list-warm-ups";

export const metadata: Metadata = { title: "Warm-ups" };

export default async function ClassWarmUpsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const identity = await requirePagePermission("teach:view", `/teach/classes/${slug}/warm-ups`);
  const now = new Date();
  const [found, warmUps, choices] = await Promise.all([pageData(getClass(identity, { slug })), pageData(listClassWarmUps(identity, { slug }, now)), listBookingChoices(identity)]);
  const here = choices.classes.filter((c) => c.slug === found.slug);
  return (
    <WarmUpBoard
      scope={{ slug: found.slug }}
      initial={JSON.parse(JSON.stringify(warmUps)) as WarmUpJson[]}
      serverNow={now.toISOString()}
      templates={choices.templates}
      classes={here}
      canBook={can(identity, "class:manage") && found.archivedAt === null}
    />
  );
}
