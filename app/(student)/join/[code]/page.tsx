import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { JoinedMessage, JoinForm } from "@/components/classes/join-form";
import { Notice } from "@/components/ui/notice";
import { requireSignedIn } from "@/lib/auth/guards";
import { isAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { checkJoinCode } from "@/lib/services/classes/check-join-code";

export const metadata: Metadata = { title: "Join a class" };

/** The class a code opens for the caller, or the one message every code that does not work gets. */
async function lookUp(identity: Identity, code: string) {
  try {
    return { found: await checkJoinCode(identity, { code }) };
  } catch (error) {
    if (isAppError(error) && (error.code === "NOT_FOUND" || error.code === "RATE_LIMITED")) return { refused: error.message };
    throw error;
  }
}

/**
 * A class's join link. Signed out: sign in first, then back here. Signed in: the class's title and a button
 * that joins (nothing happens on opening the link), or that they are in it already.
 */
export default async function JoinPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const here = `/join/${encodeURIComponent(code)}`;
  const identity = await requireSignedIn(here);
  const result = await lookUp(identity, code);
  return (
    <div className="mx-auto max-w-xl rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      {"refused" in result ? (
        <div className="space-y-4">
          <h1 className="text-2xl font-semibold">Join a class</h1>
          <Notice tone="warning">{result.refused}</Notice>
          <Link href="/" className="inline-block text-sm font-medium text-brand-700 hover:underline dark:text-brand-100">
            Go to your catalog
          </Link>
        </div>
      ) : result.found.status === "already" ? (
        <JoinedMessage title={result.found.title} already />
      ) : (
        <JoinForm code={code} title={result.found.title} />
      )}
    </div>
  );
}
