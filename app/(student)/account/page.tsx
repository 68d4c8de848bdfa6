import type { Metadata } from "next";
import { TokenManager } from "@/components/account/token-manager";
import { Providers } from "@/components/providers";
import Link from "@/components/ui/link";
import { CHANGE_PASSWORD_PATH, requirePagePermission } from "@/lib/auth/guards";
import type { Identity } from "@/lib/domain/identity";
import { listApiTokens } from "@/lib/services/tokens/list-tokens";

export const metadata: Metadata = { title: "Account" };

/** The tokens, and when they were read: the browser tells expired tokens from active ones from that moment. */
async function readTokens(identity: Identity) {
  const tokens = await listApiTokens(identity);
  return { tokens, readAt: Date.now() };
}

export default async function AccountPage() {
  const identity = await requirePagePermission("instance:launch", "/account");
  const { tokens, readAt } = await readTokens(identity);
  return (
    <>
      <h1 className="text-2xl font-semibold">Account</h1>
      <dl className="mt-4 grid max-w-xl grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm">
        <dt className="text-slate-600 dark:text-slate-400">Name</dt>
        <dd className="wrap-anywhere">{identity.displayName}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Username</dt>
        <dd className="font-mono wrap-anywhere">{identity.username}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Role</dt>
        <dd>{identity.roles.at(-1)}</dd>
        <dt className="text-slate-600 dark:text-slate-400">Signed in with</dt>
        <dd>{identity.source === "oidc" ? "single sign-on" : "a local account"}</dd>
      </dl>
      {identity.source === "local" && (
        <section aria-labelledby="password" className="mt-10 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <h2 id="password" className="text-lg font-semibold">
            Password
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">Change it whenever you like; you need the current one to do it.</p>
          <Link href={CHANGE_PASSWORD_PATH} className="mt-3 inline-block rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
            Change your password
          </Link>
        </section>
      )}
      <section aria-labelledby="tokens" className="mt-10 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <h2 id="tokens" className="text-lg font-semibold">
          Personal API tokens
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          A token lets a script use the Envdeck API as you: launch, list, extend and end your environments. It has your permissions, never more.
          Revoke one as soon as you no longer need it.
        </p>
        <Providers>
          <TokenManager initial={tokens} serverNow={readAt} />
        </Providers>
      </section>
    </>
  );
}
