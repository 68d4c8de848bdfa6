import { z } from "zod";

/**
 * Where a request came from, for the audit trail and for sign-in throttling: the client's address and its
 * user agent. Pure: the web edge hands in the request's headers (lib/auth/request-origin.ts).
 *
 * The address is read from X-Forwarded-For. Next.js sets that header from the connection when a request
 * arrives without one, and a reverse proxy in front (an ingress controller) appends the address it saw, so
 * the last entry is the client's. Behind more proxies each one appends again: `hops` says how many entries
 * from the end the client's is (ENVDECK_PROXY_HOPS). A client that reaches the web server directly can write
 * the header itself, so whatever faces the internet should be a proxy that sets it.
 */

export interface RequestOrigin {
  /** The client's IP address, normalised (IPv4-mapped IPv6 as IPv4, IPv6 lowercase); null when unknown. */
  address: string | null;
  /** The browser's or script's User-Agent header, cleaned; null when absent. */
  userAgent: string | null;
}

export const NO_ORIGIN: RequestOrigin = Object.freeze({ address: null, userAgent: null });

/** The longest user agent kept; longer ones are cut (the audit column is this wide). */
export const MAX_USER_AGENT = 500;
/** The longest address text: a full IPv6 address with an embedded IPv4 one. */
export const MAX_ADDRESS = 45;

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();

/** One address as a proxy or Next.js writes it, normalised; null when it is no IP address at all. */
export function normaliseAddress(raw: string): string | null {
  let value = raw.trim();
  // "[::1]:8080" and "[::1]" (RFC 7239 style), "203.0.113.9:51234" (some proxies add the port).
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  value = value.toLowerCase();
  if (value.length > MAX_ADDRESS) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(value);
  if (mapped && ipv4.safeParse(mapped[1]).success) return mapped[1]!;
  if (ipv4.safeParse(value).success || ipv6.safeParse(value).success) return value;
  return null;
}

/** The client's address from an X-Forwarded-For value, `hops` entries from its end; null for none or garbage. */
export function sourceAddress(forwardedFor: string | null | undefined, hops: number): string | null {
  if (!forwardedFor || hops < 1) return null;
  const entries = forwardedFor
    .slice(0, 2000)
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  // Fewer entries than proxies: the request skipped an outer one, and the first entry is what the next one saw.
  return normaliseAddress(entries[Math.max(0, entries.length - hops)]!);
}

/** A User-Agent header as stored: control and bidirectional characters removed, at most MAX_USER_AGENT characters. */
export function cleanUserAgent(value: string | null | undefined): string | null {
  if (!value) return null;
  const cleaned = value
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim()
    .slice(0, MAX_USER_AGENT);
  return cleaned === "" ? null : cleaned;
}

/** The origin of a request from its headers (`get` reads one header by lowercase name). */
export function requestOrigin(get: (name: string) => string | null | undefined, hops: number): RequestOrigin {
  return { address: sourceAddress(get("x-forwarded-for"), hops), userAgent: cleanUserAgent(get("user-agent")) };
}

/** The eight 16-bit groups of a valid IPv6 address (without an embedded IPv4 part), or null. */
function ipv6Groups(address: string): number[] | null {
  if (address.includes(".")) return null;
  const [head, tail, ...rest] = address.split("::");
  if (rest.length > 0) return null;
  const part = (text: string | undefined) => (text ? text.split(":") : []);
  const left = part(head);
  const right = part(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/**
 * What sign-in throttling counts failures against for an address: an IPv4 address as it is, an IPv6 address by
 * its /64 network, since one subscriber usually holds a whole /64 and could otherwise change address at will.
 */
export function throttleKeyOf(address: string | null): string | null {
  if (!address || !address.includes(":")) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}
