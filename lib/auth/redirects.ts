import { parseThrottleErrorCode, throttleMessage } from "@/lib/domain/sign-in-throttle";

/**
 * A post-sign-in destination taken from the query string: only same-site paths are accepted, so a crafted
 * link cannot send a user to another site after signing in.
 */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f]/.test(value)) return "/";
  return value;
}

/** Messages for next-auth's error codes and the throttle's; none of them says whether an account exists. */
export function signInErrorMessage(code: string | undefined, providerName: string | null): string | null {
  if (!code) return null;
  const wait = parseThrottleErrorCode(code);
  if (wait !== null) return throttleMessage(wait);
  switch (code) {
    case "CredentialsSignin":
      return "Incorrect username or password.";
    case "OAuthSignin":
    case "OAuthCallback":
    case "Callback":
    case "OAuthAccountNotLinked":
      return `Sign-in with ${providerName ?? "your identity provider"} did not complete. Please try again or contact your administrator.`;
    case "AccessDenied":
      return "Access was denied.";
    case "SessionRequired":
      return "Please sign in to continue.";
    default:
      return "Sign-in failed. Please try again.";
  }
}
