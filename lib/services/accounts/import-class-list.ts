import "server-only";
import { randomBytes } from "node:crypto";
import { generatePassword, hashPassword } from "@/lib/auth/passwords";
import { getConfig } from "@/lib/config";
import { auditColumns } from "@/lib/db/audit";
import { db } from "@/lib/db/client";
import { hashLinkSecret } from "@/lib/db/users";
import { deliverySchema } from "@/lib/domain/accounts";
import { AppError } from "@/lib/domain/errors";
import { normaliseRoles, type Identity } from "@/lib/domain/identity";
import { assertCan } from "@/lib/domain/permissions";
import { PASSWORD_LINK_HOURS, SET_PASSWORD_PATH, type Credential } from "./internal/accounts";
import { checkAgainstDatabase, readClassListFile, type ClassListReport } from "./internal/class-list";

export interface ImportedAccount {
  username: string;
  displayName: string | null;
  credential: Credential;
}

/** Either every account was created, or none was and the report says why row by row. */
export type ClassListImport = { imported: true; accounts: ImportedAccount[] } | { imported: false; report: ClassListReport };

/** Hashes a few passwords at a time: scrypt runs on libuv's thread pool, and one import must not take it all. */
async function hashAll(passwords: string[], parallel = 2): Promise<string[]> {
  const hashes: string[] = new Array(passwords.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < passwords.length) {
        const i = next++;
        hashes[i] = await hashPassword(passwords[i]!);
      }
    }),
  );
  return hashes;
}

/**
 * Imports a class list, all or nothing: the file is read and checked again as the dry run does, and if any
 * row has a problem nothing is written and the report comes back; otherwise every account is created in one
 * transaction, each with a one-time password or a set-password link, and an audit entry per account.
 */
export async function importClassList(identity: Identity | null, input: { file?: unknown; delivery?: unknown }): Promise<ClassListImport> {
  assertCan(identity, "user:manage");
  const delivery = deliverySchema.safeParse(input.delivery);
  if (!delivery.success) throw new AppError("INVALID_INPUT", "Choose one-time passwords or set-password links.", { delivery: ["Choose one-time passwords or set-password links."] });
  const list = await readClassListFile(input.file);
  const first = await checkAgainstDatabase(db(), list);
  if (first.invalid > 0) return { imported: false, report: first };

  // Hashed before the transaction, which then holds its locks for the inserts only.
  const passwords = delivery.data === "password" ? list.rows.map(() => generatePassword()) : null;
  const hashes = passwords ? await hashAll(passwords) : null;
  const secrets = passwords ? null : list.rows.map(() => randomBytes(32).toString("base64url"));
  const expiresAt = new Date(Date.now() + PASSWORD_LINK_HOURS * 3_600_000);
  try {
    return await db().$transaction(
      async (tx) => {
        // Accounts created since the check make it fail: the report says which.
        const again = await checkAgainstDatabase(tx, list);
        if (again.invalid > 0) return { imported: false, report: again };
        const created = await tx.user.createManyAndReturn({
          data: list.rows.map((row, i) => ({
            username: row.username,
            source: "local" as const,
            displayName: row.displayName,
            email: row.email,
            groups: row.groups,
            roles: normaliseRoles([row.role]),
            passwordHash: hashes?.[i] ?? null,
            // A one-time password was shown to the admin: its owner chooses their own at first sign-in.
            passwordChangeRequired: hashes !== null,
          })),
          select: { id: true, username: true, displayName: true, email: true, groups: true, roles: true },
        });
        const idOf = new Map(created.map((user) => [user.username, user.id]));
        if (secrets) {
          await tx.passwordLink.createMany({
            data: list.rows.map((row, i) => ({ userId: idOf.get(row.username)!, tokenHash: hashLinkSecret(secrets[i]!), expiresAt, createdById: identity.source === "system" ? null : identity.userId })),
          });
        }
        await tx.auditEvent.createMany({
          data: created.map(({ id, ...user }) =>
            auditColumns({
              actor: identity,
              action: "user.create",
              objectType: "user",
              objectId: id,
              after: { ...user, source: "local", disabled: false, password: secrets ? "set-password link" : "one-time password", via: "class list" },
            }),
          ),
        });
        const base = getConfig().publicUrl;
        const accounts: ImportedAccount[] = list.rows.map((row, i) => {
          if (passwords) return { username: row.username, displayName: row.displayName, credential: { delivery: "password", password: passwords[i]! } };
          const url = new URL(SET_PASSWORD_PATH, base);
          url.searchParams.set("token", secrets![i]!);
          return { username: row.username, displayName: row.displayName, credential: { delivery: "link", url: url.toString(), expiresAt: expiresAt.toISOString() } };
        });
        return { imported: true, accounts };
      },
      { timeout: 60_000 },
    );
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AppError("CONFLICT", "Some of these usernames were taken while importing. Run the dry run again to see which.");
    throw error;
  }
}
