"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { removeMemberAction } from "@/app/(staff)/teach/classes/actions";
import { When } from "@/components/admin/local-date";
import { ConfirmButton } from "@/components/ui/dialog";
import { DataTable } from "@/components/ui/table";
import { FormMessage } from "@/components/ui/form";
import { MEMBER_VIA_LABELS } from "@/lib/domain/classes";
import type { ClassMemberView } from "@/lib/services/classes/list-members";
import { runAction } from "./run-action";

export type MemberRowView = Omit<ClassMemberView, "joinedAt"> & { joinedAt: string | null };

/** The roster: each member, how they came in and when; those who joined or were added can be removed. */
export function MemberTable({ slug, members }: { slug: string; members: MemberRowView[] }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  function remove(username: string) {
    setMessage(null);
    start(async () => {
      const state = await runAction(removeMemberAction, { slug, username });
      if (state.ok) {
        const still = (state.result as { stillThroughGroups: string[] }).stillThroughGroups;
        setMessage({ ok: true, text: still.length ? `Removed ${username}; they stay a member through the group ${still.join(", ")}.` : `Removed ${username} from the class.` });
        router.refresh();
      } else setMessage({ ok: false, text: state.message ?? "The member could not be removed." });
    });
  }

  if (members.length === 0) {
    return (
      <p className="mt-3 rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="no-members">
        Nobody is in this class yet. Share the join link or code, or add students by username.
      </p>
    );
  }
  return (
    <>
      {message && (
        <div className="mt-3">
          <FormMessage ok={message.ok} message={message.text} />
        </div>
      )}
      <DataTable columns={["Username", "Name", "Came in by", "Joined", <span key="a" className="sr-only">Actions</span>]}>
        {members.map((m) => (
          <tr key={m.username} className="border-t border-slate-200 dark:border-slate-800">
            <td className="min-w-40 px-3 py-2 font-mono wrap-anywhere">{m.username}</td>
            <td className="min-w-32 px-3 py-2 wrap-anywhere">{m.displayName ?? ""}</td>
            <td className="min-w-32 px-3 py-2">
              {MEMBER_VIA_LABELS[m.via]}
              {m.viaGroups.length > 0 && <span className="block text-xs text-slate-600 dark:text-slate-400">{m.via === "group" ? m.viaGroups.join(", ") : `also group ${m.viaGroups.join(", ")}`}</span>}
            </td>
            <td className="min-w-36 px-3 py-2 text-slate-700 dark:text-slate-300">
              <When at={m.joinedAt} never="Through the group" />
            </td>
            <td className="px-3 py-2 text-right">
              {m.via === "group" ? (
                <span className="text-xs text-slate-600 dark:text-slate-400">Unbind the group to remove</span>
              ) : (
                <ConfirmButton label={<>Remove<span className="sr-only"> {m.username}</span></>} title={`Remove ${m.username} from the class?`} confirm="Remove" pending={pending} onConfirm={() => remove(m.username)}>
                  <p>They no longer see the class&apos;s catalog. Their environments keep running until they expire. They can join again with the code.</p>
                </ConfirmButton>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
