import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { signInMethods } from "@/lib/auth/options";
import { safeCallbackPath, signInErrorMessage } from "@/lib/auth/redirects";
import { getIdentity } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await getIdentity()) redirect(callbackUrl);
  const methods = signInMethods();
  const error = typeof params.error === "string" ? params.error : undefined;
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="text-2xl font-semibold">Sign in to Envdeck</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">Your environments are one click away.</p>
      <SignInForm {...methods} callbackUrl={callbackUrl} initialError={signInErrorMessage(error, methods.oidc?.name ?? null)} />
    </div>
  );
}
