import { createHash } from "node:crypto";
import { stringify } from "yaml";

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

/**
 * Identifies the parents a version was built on (their spec checksums, root first); null without a parent.
 * A version whose parents changed is rebuilt even when its own spec did not.
 */
export function chainChecksum(chain: { name: string; spec: unknown }[]): string | null {
  const parents = chain.slice(0, -1);
  if (parents.length === 0) return null;
  return createHash("sha256")
    .update(canonicalJson(parents.map((p) => ({ name: p.name, checksum: specChecksum(p.spec) }))))
    .digest("hex");
}

/** A readable form of a spec, stable across key order, for diffs. */
export function specText(spec: unknown): string {
  return stringify(JSON.parse(canonicalJson(spec)), { lineWidth: 0 });
}
