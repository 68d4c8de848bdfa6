import { USERNAME_MAX } from "./credentials";
import { rolesFromClaims, type Identity, type Role } from "./identity";
// Claims that carry credentials are never copied into a session, whatever the allow-list says.
import { SECRET_CLAIMS } from "./settings";

export interface ClaimMapping {
  username: string;
  email: string;
  name: string;
  groups: string;
  roles?: string;
}

export interface OidcProfile {
  username: string;
  displayName: string | null;
  email: string | null;
  groups: string[];
  roles: Role[];
  claims: Identity["claims"];
}

const MAX_CLAIM_VALUE = 512;
const MAX_LIST = 100;

function asString(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** A claim as a list of strings: a single string, a list, or (Keycloak style) a space-separated string. */
function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string" && v !== "").slice(0, MAX_LIST);
  const single = asString(value);
  return single ? [single] : [];
}

export class ClaimError extends Error {
  override name = "ClaimError";
}

/**
 * Maps the claims of an OpenID Provider onto an Envdeck profile. Throws a ClaimError naming the claim when the
 * username claim is missing or unusable, since a user without a stable username cannot own anything.
 */
export function profileFromClaims(
  claims: Record<string, unknown>,
  mapping: ClaimMapping,
  roleGroups: { admin: string[]; teacher: string[] },
  exposed: string[],
): OidcProfile {
  const rawUsername = asString(claims[mapping.username]);
  if (!rawUsername) throw new ClaimError(`The identity provider sent no "${mapping.username}" claim to use as username.`);
  if (rawUsername.length > USERNAME_MAX || /[\u0000-\u001f\u007f\s]/.test(rawUsername)) {
    throw new ClaimError(`The "${mapping.username}" claim is not a usable username (at most ${USERNAME_MAX} characters, no spaces).`);
  }
  const groups = asList(claims[mapping.groups]).map((g) => g.replace(/^\//, "")); // Keycloak prefixes paths with "/"
  const roleValues = mapping.roles ? asList(claims[mapping.roles]) : [];
  const allowed: Identity["claims"] = {};
  for (const name of exposed) {
    if (SECRET_CLAIMS.has(name)) continue;
    const value = claims[name];
    if (typeof value === "string") allowed[name] = value.slice(0, MAX_CLAIM_VALUE);
    else if (Array.isArray(value)) allowed[name] = asList(value).map((v) => v.slice(0, MAX_CLAIM_VALUE));
  }
  return {
    username: rawUsername.toLowerCase(),
    displayName: asString(claims[mapping.name])?.slice(0, 200) ?? null,
    email: asString(claims[mapping.email])?.slice(0, 320) ?? null,
    groups,
    roles: rolesFromClaims(groups, roleValues, roleGroups),
    claims: allowed,
  };
}
