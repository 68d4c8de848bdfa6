import type { Metadata } from "next";
import { WarmUpBoard } from "@/components/warm-ups/warm-ups";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import type { WarmUpJson } from "@/lib/client/queries";
import { listBookingChoices } from "@/lib/services/warm-ups/list-booking-choices";
import { listMyWarmUps } from "@/lib/services/warm-ups/list-warm-ups";

export const metadata: Metadata = { title: "Warm-ups" };

export default async function WarmUpsPage() {
  const identity = await requirePagePermission("teach:view", "/teach/warm-ups");
  const now = new Date();
  const [warmUps, choices] = await Promise.all([pageData(listMyWarmUps(identity, now)), listBookingChoices(identity)]);
  const isAdmin = identity.roles.includes("admin");
  return (
    <>
      <h1 className="text-2xl font-semibold">Warm-ups</h1>
      <p className="mt-1 max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        {isAdmin ? "Every class's warm-ups." : "The warm-ups of the classes you teach."} Each keeps environments started before its class, so
        the first minutes go to the lesson rather than to waiting.
      </p>
      <div className="mt-6">
        {choices.classes.length === 0 && warmUps.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
            You teach no class yet: create one under Classes, then book its warm-ups here or on its page.
          </p>
        ) : (
          <WarmUpBoard
            scope="mine"
            initial={JSON.parse(JSON.stringify(warmUps)) as WarmUpJson[]}
            serverNow={now.toISOString()}
            templates={choices.templates}
            classes={choices.classes}
            canBook={choices.classes.length > 0}
          />
        )}
      </div>
    </>
  );
}
