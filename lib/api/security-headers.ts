/**
 * The headers every response carries, pages and API alike: Next.js adds them from next.config.ts, and the
 * web server's front (lib/api/front.ts) to the launches it answers itself.
 */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];
