import type { Metadata } from "next";
import { EnvironmentList } from "@/components/student/environment-list";
import { requirePagePermission } from "@/lib/auth/guards";
import type { Identity } from "@/lib/domain/identity";
import { can } from "@/lib/domain/permissions";
import { listInstances } from "@/lib/services/instances/list";

export const metadata: Metadata = { title: "My environments" };

/** The list, and when it was read: the browser's countdowns and polling start from that moment. */
async function readEnvironments(identity: Identity) {
  const list = await listInstances(identity);
  return { list, readAt: Date.now() };
}

export default async function EnvironmentsPage() {
  const identity = await requirePagePermission("instance:launch", "/environments");
  const { list, readAt } = await readEnvironments(identity);
  return (
    <>
      <h1 className="text-2xl font-semibold">My environments</h1>
      <EnvironmentList initial={list} serverNow={readAt} staff={can(identity, "instance:diagnose")} />
    </>
  );
}
