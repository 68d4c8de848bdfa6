import type { Metadata } from "next";
import QRCode from "qrcode";
import { AddMembersForm } from "@/components/classes/add-members-form";
import { JoinCodePanel } from "@/components/classes/join-code-panel";
import { MemberTable } from "@/components/classes/member-table";
import { pageData, requirePagePermission } from "@/lib/auth/guards";
import type { Identity } from "@/lib/domain/identity";
import { getClass } from "@/lib/services/classes/get-class";
import { listMembers } from "@/lib/services/classes/list-members";

export const metadata: Metadata = { title: "Roster" };

/** The class, its roster and its join link as a QR code, and when they were read (for "expires in …"). */
async function loadRoster(identity: Identity, slug: string) {
  const [found, roster] = await Promise.all([pageData(getClass(identity, { slug })), pageData(listMembers(identity, { slug }))]);
  const qrSvg = found.joinUrl ? await QRCode.toString(found.joinUrl, { type: "svg", margin: 1, errorCorrectionLevel: "M" }) : null;
  return { found, roster, qrSvg, readAt: Date.now() };
}

export default async function RosterPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const identity = await requirePagePermission("teach:view", `/teach/classes/${slug}/roster`);
  const { found, roster, qrSvg, readAt } = await loadRoster(identity, slug);
  return (
    <div className="space-y-6">
      <JoinCodePanel
        slug={found.slug}
        title={found.title}
        joinCode={found.joinCode}
        joinUrl={found.joinUrl}
        expiresAt={found.joinCodeExpiresAt?.toISOString() ?? null}
        joinState={found.joinState}
        archived={found.archivedAt !== null}
        qrSvg={qrSvg}
        now={readAt}
      />
      <section aria-labelledby="members-heading">
        <h2 id="members-heading" className="text-lg font-semibold">
          Members <span className="text-base font-normal text-slate-600 tabular-nums dark:text-slate-400">({roster.members.length})</span>
        </h2>
        {roster.groups.length > 0 && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Members of the groups {roster.groups.join(", ")} are members too (Settings).</p>}
        <MemberTable slug={found.slug} members={roster.members.map((m) => ({ ...m, joinedAt: m.joinedAt?.toISOString() ?? null }))} />
      </section>
      <AddMembersForm slug={found.slug} />
    </div>
  );
}
