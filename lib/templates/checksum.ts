import { createHash } from "node:crypto";

/**
 * Canonical JSON: object keys sorted at every depth, no insignificant whitespace, so two specs that differ
 * only in key order or formatting have the same text and the same checksum.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** sha256 (hex) of the canonical form of a template's deployable spec. */
export function specChecksum(spec: unknown): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex");
}
