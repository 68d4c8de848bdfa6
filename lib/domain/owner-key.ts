import type { Identity } from "./identity";

/**
 * Owner keys (docs/architecture.md, "Owner key"). A template's `ownerClaim` names the claim whose value owns its
 * instances: empty means the username, `groups` makes a team share one instance and one quota. The key is
 * the claim's first value, lowercased, reduced to [a-z0-9-], at most 63 characters, so it is usable as a
 * label value and inside names.
 */

export const OWNER_KEY = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const OWNER_KEY_MAX = 63;

/** Sanitizes one claim value into an owner key; null when nothing usable is left. */
export function toOwnerKey(value: string): string | null {
  const key = value
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+/, "")
    .slice(0, OWNER_KEY_MAX)
    .replace(/-+$/, "");
  return key === "" ? null : key;
}

/** Claim names that mean "the username" whatever the identity provider calls it. */
const USERNAME_CLAIMS = new Set(["", "username", "preferred_username"]);

/** The values of a claim for an identity, first value first. Groups and username come from the account. */
export function claimValues(identity: Identity, claim: string, usernameClaim: string): string[] {
  if (USERNAME_CLAIMS.has(claim) || claim === usernameClaim) return [identity.username];
  if (claim === "groups") return identity.groups;
  if (claim === "email" && identity.email) return [identity.email];
  const value = identity.claims[claim];
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value : [];
}

export class OwnerKeyError extends Error {
  override name = "OwnerKeyError";
}

/**
 * The owner key of an identity for a template's owner claim. Throws an OwnerKeyError in words for the user
 * when the claim is missing or has nothing usable in it.
 */
export function ownerKeyFor(identity: Identity, ownerClaim: string, usernameClaim = "preferred_username"): string {
  const values = claimValues(identity, ownerClaim.trim(), usernameClaim);
  if (values.length === 0) {
    throw new OwnerKeyError(
      ownerClaim === "groups"
        ? "This environment is shared by a group, and your account is not in any group."
        : `This environment is owned by your "${ownerClaim}" claim, which your account does not have.`,
    );
  }
  const key = toOwnerKey(values[0]!);
  if (!key) throw new OwnerKeyError(`Your "${ownerClaim || "username"}" claim has no letters or digits to own an environment with.`);
  return key;
}

/**
 * Every owner key an identity holds (for "my environments"): the username and every group, plus the email
 * and every allow-listed claim value, since a template may be owned by any of them.
 */
export function ownerKeysOf(identity: Identity): string[] {
  const values = [identity.username, ...identity.groups, ...(identity.email ? [identity.email] : [])];
  for (const value of Object.values(identity.claims)) values.push(...(Array.isArray(value) ? value : [value]));
  const keys = new Set<string>();
  for (const value of values) {
    const key = toOwnerKey(value);
    if (key) keys.add(key);
  }
  return [...keys];
}
