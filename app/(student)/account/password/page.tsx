import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Notice } from "@/components/ui/notice";
import Link from "@/components/ui/link";
import { CHANGE_PASSWORD_PATH } from "@/lib/auth/guards";
import { safeCallbackPath } from "@/lib/auth/redirects";
import { getIdentity } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Change your password" };

/**
 * A local account changes its own password. A caller signed in with a one-time password is sent here by every
 * page (lib/auth/guards.ts) and goes on to where they were going once they have chosen their own.
 */
export default async function ChangePasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { callbackUrl } = await searchParams;
  const identity = await getIdentity();
  if (!identity) redirect(`/signin?callbackUrl=${encodeURIComponent(CHANGE_PASSWORD_PATH)}`);
  const required = identity.passwordChangeRequired === true;
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="text-2xl font-semibold">{required ? "Choose your own password" : "Change your password"}</h1>
      {identity.source !== "local" ? (
        <Notice tone="info" className="mt-4">
          You sign in with your organisation&apos;s single sign-on: your password is kept there, not by Envdeck. Change it there.
        </Notice>
      ) : required ? (
        <>
          <Notice tone="warning" className="mt-4 mb-6">
            You signed in with a one-time password that an admin gave you. Choose a password of your own to go on: nobody else will know it.
          </Notice>
          <ChangePasswordForm username={identity.username} next={safeCallbackPath(typeof callbackUrl === "string" ? callbackUrl : "/")} />
        </>
      ) : (
        <>
          <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">
            For the Envdeck account <span className="font-mono font-medium">{identity.username}</span>. You stay signed in.
          </p>
          <ChangePasswordForm username={identity.username} next={null} />
        </>
      )}
      {/* Nowhere else to go until a one-time password is replaced. */}
      {!required && (
        <p className="mt-6 text-sm">
          <Link href="/account" className="font-medium text-brand-700 underline dark:text-brand-100">
            Back to your account
          </Link>
        </p>
      )}
    </div>
  );
}
