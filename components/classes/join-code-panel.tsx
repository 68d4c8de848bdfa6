"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { rotateJoinCodeAction, setJoinCodeAction } from "@/app/(staff)/teach/classes/actions";
import { CopyButton } from "@/components/student/copy-button";
import { LocalTime } from "@/components/student/local-time";
import { useHydrated } from "@/components/student/use-hydrated";
import { ConfirmButton } from "@/components/ui/dialog";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";
import { spacedJoinCode, type JoinState } from "@/lib/domain/classes";
import { runAction, type AnyAction } from "./run-action";

/** A moment as the value of a datetime-local input, in the browser's time zone. */
function localInputValue(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export interface JoinCodeProps {
  slug: string;
  title: string;
  joinCode: string | null;
  joinUrl: string | null;
  expiresAt: string | null;
  joinState: JoinState;
  archived: boolean;
  /** The join link as a QR code, an SVG rendered on the server; null when joining is off. */
  qrSvg: string | null;
  /** When the page was rendered, for "in 2 hours". */
  now: number;
}

/** The full-screen view for a projector: the code in very large type, the QR code of the link, the link. */
function ProjectorView({ dialog, title, joinCode, joinUrl, qrSvg }: { dialog: React.RefObject<HTMLDialogElement | null>; title: string; joinCode: string; joinUrl: string; qrSvg: string | null }) {
  return (
    <dialog
      ref={dialog}
      aria-label={`Join ${title}`}
      className="m-0 h-dvh max-h-none w-screen max-w-none bg-white p-0 text-slate-900 backdrop:bg-slate-950 dark:bg-slate-950 dark:text-slate-50"
    >
      <div className="flex min-h-full flex-col items-center justify-center gap-6 p-6 text-center">
        <p className="text-xl font-medium text-slate-700 sm:text-3xl dark:text-slate-300">Join {title}</p>
        <p data-testid="projector-code" className="font-mono text-5xl font-bold tracking-widest break-all sm:text-8xl lg:text-9xl" aria-label={`Join code ${joinCode.split("").join(" ")}`}>
          {spacedJoinCode(joinCode)}
        </p>
        {qrSvg && (
          <div
            role="img"
            aria-label="QR code of the join link"
            className="w-[min(60vw,40vh)] rounded-lg bg-white p-3 [&>svg]:h-auto [&>svg]:w-full"
            // The SVG is made on the server by the qrcode package from the join link alone: paths, no text or scripts.
            dangerouslySetInnerHTML={{ __html: qrSvg }}
          />
        )}
        <p className="font-mono text-lg break-all sm:text-2xl">{joinUrl}</p>
        <form method="dialog">
          <button autoFocus className="rounded-md border border-slate-300 px-5 py-2 text-base font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
            Close
          </button>
        </form>
      </div>
    </dialog>
  );
}

/** The join code and link of a class: copy, show on a projector, replace, set an expiry, turn off or on. */
export function JoinCodePanel(props: JoinCodeProps) {
  const { slug, title, joinCode, joinUrl, expiresAt, joinState, archived, qrSvg, now } = props;
  const router = useRouter();
  const projector = useRef<HTMLDialogElement>(null);
  const hydrated = useHydrated();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string; fields?: Record<string, string[]> } | null>(null);

  function run(action: AnyAction, fields: Record<string, string>, done: string) {
    setMessage(null);
    start(async () => {
      const state = await runAction(action, { slug, ...fields });
      if (state.ok) {
        setMessage({ ok: true, text: done });
        router.refresh();
      } else setMessage({ ok: false, text: state.message ?? "That did not work.", fields: state.fieldErrors });
    });
  }

  function saveExpiry(form: HTMLFormElement) {
    const value = (new FormData(form).get("expiresAt") as string | null) ?? "";
    const date = value ? new Date(value) : null;
    if (date && Number.isNaN(date.getTime())) {
      setMessage({ ok: false, text: "Enter a date and time.", fields: { expiresAt: ["Enter a date and time."] } });
      return;
    }
    run(setJoinCodeAction, { enabled: "true", expiresAt: date ? date.toISOString() : "" }, date ? "The code now expires at the time you chose." : "The code no longer expires.");
  }

  return (
    <section aria-labelledby="join-heading" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h2 id="join-heading" className="text-lg font-semibold">
        Join code
      </h2>
      {archived && <p className="mt-1 text-sm text-amber-800 dark:text-amber-200">This class is archived: nobody can join it until it is brought back (Settings).</p>}
      {joinCode && joinUrl ? (
        <>
          <div className="mt-3 flex flex-wrap items-center gap-x-6 gap-y-3">
            <p className="font-mono text-3xl font-bold tracking-widest" data-testid="join-code">
              {spacedJoinCode(joinCode)}
            </p>
            <button type="button" onClick={() => projector.current?.showModal()} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
              Show for projector
            </button>
          </div>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <input readOnly value={joinUrl} aria-label="Join link" className={`${inputClass} mt-0 max-w-md flex-1 font-mono`} onFocus={(e) => e.target.select()} />
            <CopyButton text={joinUrl} label="Copy link" />
          </div>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            {joinState === "expired" ? (
              <span className="font-medium text-amber-800 dark:text-amber-200">
                This code has expired{expiresAt && <> (<LocalTime iso={expiresAt} now={now} />)</>}: set a new expiry or remove it to open joining again.
              </span>
            ) : expiresAt ? (
              <>
                Works until <LocalTime iso={expiresAt} now={now} />.
              </>
            ) : (
              "Works until you turn it off or replace it."
            )}
          </p>
          <div className="mt-4 flex flex-wrap items-end gap-3">
            <form
              className="flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                saveExpiry(e.currentTarget);
              }}
            >
              <Field label="Expires (optional)" errors={errorsFor(message?.fields, "expiresAt")}>
                <input key={hydrated ? "local" : "server"} type="datetime-local" name="expiresAt" defaultValue={hydrated && expiresAt ? localInputValue(expiresAt) : ""} className={inputClass} />
              </Field>
              <button type="submit" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
                Save expiry
              </button>
              {expiresAt && (
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => run(setJoinCodeAction, { enabled: "true", expiresAt: "" }, "The code no longer expires.")}
                  className="rounded-md px-3 py-2 text-sm font-medium text-brand-700 hover:underline disabled:opacity-60 dark:text-brand-100"
                >
                  Remove expiry
                </button>
              )}
            </form>
          </div>
          <div className="mt-4 flex flex-wrap gap-2">
            <ConfirmButton label="New code" title="Replace the join code?" confirm="Replace the code" pending={pending} onConfirm={() => run(rotateJoinCodeAction, {}, "The class has a new code. The old one no longer works.")}>
              <p>The current code and link stop working at once. Students who joined stay in the class.</p>
            </ConfirmButton>
            <ConfirmButton
              label="Turn joining off"
              title="Turn joining by code off?"
              confirm="Turn off"
              pending={pending}
              onConfirm={() => run(setJoinCodeAction, { enabled: "false", expiresAt: "" }, "Joining by code is off. Turning it on again gives a new code.")}
            >
              <p>Nobody can join with the code or link until you turn it on again, which gives a new code. Students who joined stay in the class.</p>
            </ConfirmButton>
          </div>
          <ProjectorView dialog={projector} title={title} joinCode={joinCode} joinUrl={joinUrl} qrSvg={qrSvg} />
        </>
      ) : (
        <div className="mt-2">
          <p className="text-sm text-slate-600 dark:text-slate-400">Joining by code is off: students join only when you add them, or through a bound group.</p>
          <button
            type="button"
            disabled={pending}
            onClick={() => run(setJoinCodeAction, { enabled: "true", expiresAt: "" }, "Joining by code is on, with a new code.")}
            className="mt-3 rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
          >
            Turn joining on
          </button>
        </div>
      )}
      {message && (
        <div className="mt-3">
          <FormMessage ok={message.ok} message={message.text} />
        </div>
      )}
    </section>
  );
}
