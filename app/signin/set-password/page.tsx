import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { SetPasswordForm } from "@/components/set-password-form";
import { Notice } from "@/components/ui/notice";
import { checkPasswordLink } from "@/lib/services/accounts/check-password-link";

export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };

/** The page a set-password link opens: anyone may open it, the link's secret says whose password it sets. */
export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const link = await checkPasswordLink({ token });
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="text-2xl font-semibold">Set your password</h1>
      {link.usable ? (
        <>
          <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">
            For the Envdeck account <span className="font-mono font-medium">{link.username}</span>. This link works once.
          </p>
          <SetPasswordForm token={token as string} username={link.username} />
        </>
      ) : (
        <>
          <Notice tone="warning" className="mt-4">
            This link cannot be used: it was used already, it expired, or a newer one replaced it. Ask an admin for a new one.
          </Notice>
          <p className="mt-4 text-sm">
            <Link href="/signin" className="font-medium text-brand-700 underline dark:text-brand-100">
              Go to sign-in
            </Link>
          </p>
        </>
      )}
    </div>
  );
}
