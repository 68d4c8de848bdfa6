"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, useTransition } from "react";
import { createTokenAction, revokeTokenAction } from "@/app/(student)/actions";
import { CopyButton } from "@/components/student/copy-button";
import { LocalTime } from "@/components/student/local-time";
import { useHydrated } from "@/components/student/use-hydrated";
import { ConfirmButton } from "@/components/ui/dialog";
import { errorsFor, Field, FormMessage, inputClass } from "@/components/ui/form";
import { DataTable } from "@/components/ui/table";
import type { ActionState } from "@/lib/auth/actions";
import { tokensQuery } from "@/lib/client/queries";
import type { ApiTokenSummary } from "@/lib/services/tokens/list-tokens";

/** The lifetimes offered; the token use case allows 1 to 365 days, or none ("" = never expires). */
const EXPIRY_CHOICES = [
  ["7", "7 days"],
  ["30", "30 days"],
  ["90", "90 days"],
  ["365", "1 year"],
  ["", "Never"],
] as const;

const SECONDARY_BUTTON =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";

type Created = { token: string; id: string };

/**
 * Personal API tokens: create one (a name and a lifetime), see its secret once with a Copy button, follow
 * when each was last used, and revoke one behind a confirmation. The list is the REST API's, kept fresh by
 * its query; the secrets exist only in the answer to the create action and in this component's state.
 */
export function TokenManager({ initial, serverNow }: { initial: ApiTokenSummary[]; serverNow: number }) {
  const queryClient = useQueryClient();
  const query = useQuery({ ...tokensQuery(), initialData: { tokens: initial }, initialDataUpdatedAt: serverNow });
  const [created, setCreated] = useState<(Created & { name: string }) | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; message: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: tokensQuery().queryKey });
  return (
    <>
      <CreateTokenForm
        onCreated={(token) => {
          setNotice(null);
          setCreated(token);
          void refresh();
        }}
      />
      {created && <NewToken created={created} onDone={() => setCreated(null)} />}
      {notice && <FormMessage ok={notice.ok} message={notice.message} />}
      <h3 className="mt-8 text-base font-semibold">Your tokens</h3>
      {query.data.tokens.length === 0 ? (
        <p className="mt-3 rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300">
          You have no tokens yet. Create one above for a script that uses the API.
        </p>
      ) : (
        <DataTable columns={["Token", "Created", "Expires", "Last used"]}>
          {query.data.tokens.map((token) => (
            <TokenRow
              key={token.id}
              token={token}
              now={serverNow}
              onRevoked={(message, ok) => {
                setNotice({ ok, message });
                void refresh();
              }}
            />
          ))}
        </DataTable>
      )}
    </>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: Created & { name: string }) => void }) {
  const [state, setState] = useState<ActionState<Created>>({ ok: true });
  const [pending, start] = useTransition();
  const hydrated = useHydrated();
  const form = useRef<HTMLFormElement>(null);
  return (
    <form
      ref={form}
      aria-label="Create a token"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        start(async () => {
          const answer = await createTokenAction({ ok: true }, data);
          setState(answer);
          if (answer.ok && answer.result) {
            onCreated({ ...answer.result, name: String(data.get("name") ?? "").trim() });
            form.current?.reset();
          }
        });
      }}
      className="mt-4 grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-start"
    >
      <Field label="Name" help="What uses it, like “grading script”" errors={errorsFor(state.fieldErrors, "name")}>
        <input name="name" required maxLength={100} autoComplete="off" className={inputClass} aria-invalid={errorsFor(state.fieldErrors, "name") ? true : undefined} />
      </Field>
      <Field label="Expires after" errors={errorsFor(state.fieldErrors, "expiresInDays")}>
        <select name="expiresInDays" defaultValue="30" className={inputClass}>
          {EXPIRY_CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <div className="sm:pt-6">
        <button type="submit" disabled={pending || !hydrated} className="w-full rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60 sm:w-auto">
          {pending ? "Creating…" : "Create token"}
        </button>
      </div>
      {!state.ok && state.message && !state.fieldErrors && (
        <div className="sm:col-span-3">
          <FormMessage ok={false} message={state.message} />
        </div>
      )}
    </form>
  );
}

/** The new token's secret, shown this once, with a Copy button and an example of its use. */
function NewToken({ created, onDone }: { created: Created & { name: string }; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [created.id]);
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <section aria-labelledby="new-token" className="mt-6 rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50">
      <h3 id="new-token" ref={heading} tabIndex={-1} className="font-semibold outline-none">
        Your new token “{created.name}”
      </h3>
      <p className="mt-1 text-sm" role="status">
        Copy it now: it is shown only this once. Anyone who has it can act as you through the API, so keep it as you would a password.
      </p>
      <code data-testid="new-token" className="mt-3 block rounded-md border border-amber-300 bg-white p-3 font-mono text-sm break-all text-slate-900 dark:border-amber-700 dark:bg-slate-900 dark:text-slate-100">
        {created.token}
      </code>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <CopyButton text={created.token} label="Copy token" />
        <button type="button" onClick={onDone} className={SECONDARY_BUTTON}>
          I have copied it
        </button>
      </div>
      <p className="mt-3 text-sm">Use it in a script like this:</p>
      <pre className="mt-1 overflow-x-auto rounded-md bg-white p-3 text-xs text-slate-900 dark:bg-slate-900 dark:text-slate-100">
        <code>{`curl -H "Authorization: Bearer <token>" ${origin}/api/v1/environments`}</code>
      </pre>
    </section>
  );
}

function status(token: ApiTokenSummary, now: number): { label: string; className: string } {
  if (token.revoked) return { label: "Revoked", className: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100" };
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now) return { label: "Expired", className: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100" };
  return { label: "Active", className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100" };
}

function TokenRow({ token, now, onRevoked }: { token: ApiTokenSummary; now: number; onRevoked: (message: string, ok: boolean) => void }) {
  const shown = status(token, now);
  const cell = "px-3 py-2 align-top";
  return (
    <tr className="border-t border-slate-200 dark:border-slate-800">
      {/* Its state and Revoke in the first column, so a phone shows them without scrolling the table sideways. */}
      <td className={`${cell} min-w-40`}>
        <span className="block font-medium wrap-anywhere">{token.name}</span>
        <span className="mt-1 flex items-center gap-2 whitespace-nowrap">
          <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${shown.className}`}>{shown.label}</span>
          {shown.label === "Active" && <RevokeButton token={token} onRevoked={onRevoked} />}
        </span>
      </td>
      <td className={`${cell} whitespace-nowrap`}>
        <LocalTime iso={token.createdAt} now={now} />
      </td>
      <td className={`${cell} whitespace-nowrap`}>{token.expiresAt ? <LocalTime iso={token.expiresAt} now={now} /> : "Never"}</td>
      <td className={`${cell} whitespace-nowrap`}>{token.lastUsedAt ? <LocalTime iso={token.lastUsedAt} now={now} /> : "Not yet"}</td>
    </tr>
  );
}

/** "Revoke" behind a confirmation: scripts using the token are refused from then on. */
function RevokeButton({ token, onRevoked }: { token: ApiTokenSummary; onRevoked: (message: string, ok: boolean) => void }) {
  const [pending, setPending] = useState(false);
  async function revoke() {
    setPending(true);
    const data = new FormData();
    data.append("id", token.id);
    const state = await revokeTokenAction({ ok: true }, data);
    setPending(false);
    onRevoked(state.ok ? `Revoked “${token.name}”: scripts using it are refused from now on.` : (state.message ?? "The token could not be revoked."), state.ok);
  }
  return (
    <ConfirmButton
      label={
        <>
          {pending ? "Revoking…" : "Revoke"}
          <span className="sr-only"> {token.name}</span>
        </>
      }
      title={`Revoke “${token.name}”?`}
      confirm="Revoke token"
      pending={pending}
      onConfirm={() => void revoke()}
      className="rounded-md border border-red-300 px-2 py-0.5 text-xs font-medium text-red-700 hover:bg-red-50 disabled:opacity-60 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
    >
      Scripts using this token are refused from now on. This cannot be undone.
    </ConfirmButton>
  );
}
