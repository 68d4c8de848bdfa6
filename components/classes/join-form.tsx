"use client";

import Link from "@/components/ui/link";
import { useEffect, useRef, useState, useTransition } from "react";
import { joinClassAction } from "@/app/(student)/join/[code]/actions";
import { FormMessage } from "@/components/ui/form";
import type { ActionState } from "@/lib/auth/actions";
import type { JoinedClass } from "@/lib/services/classes/join-class";

const catalogLink = "inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700";

/** What a join page says once the caller is in a class. */
export function JoinedMessage({ title, already }: { title: string; already: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="space-y-4">
      <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold wrap-anywhere" data-testid="join-outcome">
        {already ? `You're already in ${title}` : `You're in ${title}`}
      </h1>
      <p className="text-slate-700 dark:text-slate-300">{already ? "Nothing changed: your catalog shows its environments." : "Your catalog now shows its environments."}</p>
      <Link href="/" className={catalogLink}>
        Open your catalog
      </Link>
    </div>
  );
}

/** The "Join <class>" button: a POST (server action), so following or prefetching the link joins nothing. */
export function JoinForm({ code, title }: { code: string; title: string }) {
  const [state, setState] = useState<ActionState<JoinedClass>>({ ok: false });
  const [pending, start] = useTransition();
  if (state.ok && state.result) return <JoinedMessage title={state.result.title} already={state.result.status === "already"} />;
  return (
    <form
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        start(async () => setState(await joinClassAction({ ok: false }, data)));
      }}
    >
      <h1 className="text-2xl font-semibold wrap-anywhere">Join {title}?</h1>
      <p className="text-slate-700 dark:text-slate-300">Your teacher invited you. Once you join, your catalog shows the environments they picked for the class.</p>
      <input type="hidden" name="code" value={code} />
      <FormMessage ok={false} message={state.message} />
      <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-5 py-2.5 text-base font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Joining…" : `Join ${title}`}
      </button>
    </form>
  );
}
