"use client";

import { useEffect, useRef } from "react";
import { CopyButton } from "@/components/student/copy-button";
import type { Credential } from "@/lib/domain/accounts";

/**
 * A new password or set-password link, shown once: it is not stored anywhere the portal could show it again.
 * The heading takes the focus, so keyboard and screen-reader users land on it.
 */
export function CredentialCard({ username, credential }: { username: string; credential: Credential }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [credential]);
  const value = credential.delivery === "password" ? credential.password : credential.url;
  return (
    <section aria-labelledby="credential-heading" data-testid="credential" className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-50">
      <h2 id="credential-heading" ref={heading} tabIndex={-1} className="text-base font-semibold">
        {credential.delivery === "password" ? `One-time password for ${username}` : `Set-password link for ${username}`}
      </h2>
      <p className="mt-1">
        {credential.delivery === "password"
          ? "Shown this once: copy it now and hand it over. The portal keeps only a hash of it."
          : `Valid once, until ${credential.expiresAt.replace("T", " ").slice(0, 16)} UTC. Shown this once: copy it now and hand it over.`}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="credential-value" className="rounded border border-emerald-300 bg-white px-2 py-1 font-mono text-sm break-all text-slate-900 select-all dark:border-emerald-700 dark:bg-slate-900 dark:text-slate-100">
          {value}
        </code>
        <CopyButton text={value} label={credential.delivery === "password" ? "Copy password" : "Copy link"} />
      </div>
    </section>
  );
}
