"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { addTeacherAction, archiveClassAction, removeTeacherAction, updateClassAction } from "@/app/(staff)/teach/classes/actions";
import { ConfirmButton } from "@/components/ui/dialog";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import { MAX_CLASS_TERM, MAX_CLASS_TITLE } from "@/lib/domain/classes";
import { runAction } from "./run-action";

const box = "rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";
const secondary = "rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";

/** Title, term and bound identity-provider groups. */
export function ClassFieldsForm({ slug, title, term, groups }: { slug: string; title: string; term: string; groups: string[] }) {
  const router = useRouter();
  const [state, setState] = useState<ActionState<{ changed: boolean }>>({ ok: false });
  const [pending, start] = useTransition();
  // Posted by hand rather than as a form action, so a refused form keeps what was typed.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    start(async () => {
      const next = await updateClassAction({ ok: false }, data);
      setState(next);
      if (next.ok && next.result?.changed) router.refresh();
    });
  }
  const field = (name: string) => errorsFor(state.fieldErrors, name);
  return (
    <form onSubmit={onSubmit} className={`${box} space-y-4`} noValidate aria-label="Class details">
      <h2 className="text-lg font-semibold">Class</h2>
      <input type="hidden" name="slug" value={slug} />
      <Field label="Title" errors={field("title")}>
        <input name="title" defaultValue={title} required maxLength={MAX_CLASS_TITLE} className={inputClass} aria-invalid={field("title") ? true : undefined} />
      </Field>
      <Field label="Term (optional)" errors={field("term")}>
        <input name="term" defaultValue={term} maxLength={MAX_CLASS_TERM} className={inputClass} aria-invalid={field("term") ? true : undefined} />
      </Field>
      <Field
        label="Bound groups (optional)"
        help="Identity-provider groups whose members are members of the class, separated by commas or spaces. They appear on the roster and leave when they leave the group."
        errors={field("groups")}
      >
        <input name="groups" defaultValue={groups.join(", ")} className={`${inputClass} font-mono`} spellCheck={false} autoCapitalize="none" aria-invalid={field("groups") ? true : undefined} />
      </Field>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Short name: <span className="font-mono">{slug}</span> (fixed)
      </p>
      <FormMessage ok={state.ok} message={state.ok ? (state.result?.changed ? "Saved." : "Nothing changed.") : state.message} />
      <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Saving…" : "Save"}
      </button>
    </form>
  );
}

/** The class's teachers: add a co-teacher by username, remove one (never the last). */
export function TeachersPanel({ slug, teachers, me }: { slug: string; teachers: { username: string; displayName: string | null }[]; me: string }) {
  const router = useRouter();
  const [username, setUsername] = useState("");
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string; fields?: Record<string, string[]> } | null>(null);

  function change(action: typeof addTeacherAction | typeof removeTeacherAction, who: string, done: string) {
    setMessage(null);
    start(async () => {
      const state = await runAction(action, { slug, username: who });
      if (state.ok) {
        const changed = (state.result as { changed?: boolean }).changed !== false;
        setMessage({ ok: true, text: changed ? done : `${who} teaches this class already.` });
        if (action === addTeacherAction) setUsername("");
        if (action === removeTeacherAction && who === me) router.push("/teach/classes");
        else router.refresh();
      } else setMessage({ ok: false, text: state.message ?? "That did not work.", fields: state.fieldErrors });
    });
  }

  return (
    <section aria-labelledby="teachers-heading" className={box}>
      <h2 id="teachers-heading" className="text-lg font-semibold">
        Teachers
      </h2>
      <ul className="mt-2 divide-y divide-slate-200 dark:divide-slate-800">
        {teachers.map((t) => (
          <li key={t.username} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span className="wrap-anywhere">
              <span className="font-mono">{t.username}</span>
              {t.displayName && <span className="ml-2 text-sm text-slate-600 dark:text-slate-400">{t.displayName}</span>}
              {t.username === me && <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">(you)</span>}
            </span>
            {teachers.length > 1 ? (
              <ConfirmButton
                label={<>Remove<span className="sr-only"> {t.username}</span></>}
                title={t.username === me ? "Stop teaching this class?" : `Remove ${t.username} as a teacher?`}
                confirm="Remove"
                pending={pending}
                onConfirm={() => change(removeTeacherAction, t.username, `${t.username} no longer teaches this class.`)}
              >
                <p>{t.username === me ? "You will no longer see this class." : `${t.username} will no longer see this class.`}</p>
              </ConfirmButton>
            ) : (
              <span className="text-xs text-slate-600 dark:text-slate-400">A class keeps at least one teacher</span>
            )}
          </li>
        ))}
      </ul>
      <form
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (username.trim()) change(addTeacherAction, username.trim(), `${username.trim()} now teaches this class.`);
        }}
      >
        <Field label="Add a co-teacher" errors={errorsFor(message?.fields, "username")}>
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            name="username"
            className={`${inputClass} font-mono`}
            autoCapitalize="none"
            spellCheck={false}
            aria-describedby="co-teacher-help"
          />
        </Field>
        <button type="submit" disabled={pending || username.trim() === ""} className={secondary}>
          Add teacher
        </button>
      </form>
      <p id="co-teacher-help" className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Their username; the account must be a teacher.
      </p>
      {message && (
        <div className="mt-3">
          <FormMessage ok={message.ok} message={message.text} />
        </div>
      )}
    </section>
  );
}

/** Archive (after a confirmation) or bring back. */
export function ArchivePanel({ slug, archived }: { slug: string; archived: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  function set(archive: boolean) {
    setMessage(null);
    start(async () => {
      const state = await runAction(archiveClassAction, { slug, archived: String(archive) });
      if (state.ok) {
        setMessage({ ok: true, text: archive ? "Archived. Students no longer see the class's catalogs." : "Brought back. Students see the class's catalogs again." });
        router.refresh();
      } else setMessage({ ok: false, text: state.message ?? "That did not work." });
    });
  }
  return (
    <section aria-labelledby="archive-heading" className={box}>
      <h2 id="archive-heading" className="text-lg font-semibold">
        {archived ? "Archived" : "Archive"}
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {archived
          ? "Students do not see this class's catalogs and cannot join it. Bring it back to open it again."
          : "When the class is over: students no longer see its catalogs and cannot join. Nothing ends: members, teachers, catalogs and running environments stay."}
      </p>
      <div className="mt-3">
        {archived ? (
          <button type="button" disabled={pending} onClick={() => set(false)} className={secondary}>
            {pending ? "Bringing back…" : "Bring back"}
          </button>
        ) : (
          <ConfirmButton label={pending ? "Archiving…" : "Archive class"} title="Archive this class?" confirm="Archive" pending={pending} onConfirm={() => set(true)}>
            <p>Students no longer see its catalogs and cannot join it. Nothing is deleted and no environment ends; you can bring it back at any time.</p>
          </ConfirmButton>
        )}
      </div>
      {message && (
        <div className="mt-3">
          <FormMessage ok={message.ok} message={message.text} />
        </div>
      )}
    </section>
  );
}
