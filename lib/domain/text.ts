/**
 * Text that reaches the database. PostgreSQL stores no NUL character, in text or in jsonb, so one would turn
 * a request into a server error: inputs that carry one are refused with a message naming where, and records
 * that must be written whatever they hold (the audit trail) have it replaced.
 */

const NUL = "\u0000";

/** What a caller is told when their input holds a NUL character. */
export const NUL_MESSAGE = "The request contains a NUL character (\\0), which Envdeck cannot store. Remove it and try again.";

/** The path of the first string (value or key) holding a NUL character, or null when there is none. */
export function findNul(value: unknown, path = ""): string | null {
  if (typeof value === "string") return value.includes(NUL) ? path || "(value)" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (key.includes(NUL)) return here.replaceAll(NUL, "\\0");
      const found = findNul(item, here);
      if (found) return found;
    }
  }
  return null;
}

/** A copy with every NUL in strings and keys replaced by U+FFFD, the replacement character. */
export function withoutNul<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll(NUL, "\uFFFD") as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll(NUL, "\uFFFD"), withoutNul(v)])) as T;
  }
  return value;
}
