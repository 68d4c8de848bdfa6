import "server-only";
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashes for local accounts: scrypt (memory-hard, built into Node) with a per-password salt,
 * stored as `scrypt$N$r$p$salt$hash` so the cost can be raised later without breaking old hashes.
 */

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P });
  return ["scrypt", N, R, P, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password: verifying against it costs as much as a real check, so a sign-in for an
 * unknown username takes as long as one for a known username with a wrong password. */
export const dummyHash = hashPassword(randomBytes(16).toString("hex"));

/** A readable random password for generated accounts (about 95 bits). */
export function generatePassword(): string {
  return randomBytes(12).toString("base64url").replace(/[-_]/g, "x") + "-" + randomBytes(4).toString("hex");
}
