import { NextResponse, type NextRequest } from "next/server";

/**
 * Optimistic check only: a visitor without a session cookie is sent to sign-in before rendering anything.
 * Whether the session is valid, and what it may do, is decided by pages and services on every request.
 */
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  const hasSession = request.cookies.getAll().some((c) => SESSION_COOKIES.some((name) => c.name === name || c.name.startsWith(`${name}.`)));
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/signin";
  url.search = `?callbackUrl=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but sign-in, the auth and health endpoints, and static files: icons and the web manifest are
  // fetched without cookies (the sign-in page shows them too).
  matcher: [
    "/((?!signin|api/|_next/|favicon\\.ico|icon\\.svg|icon-(?:192|512|maskable-512)\\.png|apple-touch-icon\\.png|manifest\\.webmanifest|icons/|robots\\.txt).*)",
  ],
};
