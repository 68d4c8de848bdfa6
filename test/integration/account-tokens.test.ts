import { beforeAll, describe, expect, it, vi } from "vitest";
import * as v1EnvironmentsRoute from "@/app/api/v1/environments/route";
import type { ActionState } from "@/lib/auth/actions";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { listApiTokens } from "@/lib/services/tokens/list-tokens";
import { MAX_TOKENS_PER_USER } from "@/lib/services/tokens/create-token";
import { setupTestDatabase } from "@/test/support/database";
import { createUser } from "@/test/support/launch";

/**
 * The account page's personal tokens: its server actions (create, revoke) called directly, as any POST could
 * call them, by every role, and the list it shows with each token's last use. The session stands in for
 * next-auth (these run outside a Next.js request); the services, the actions' wrapper and PostgreSQL are real.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));
const { createTokenAction, revokeTokenAction } = await import("@/app/(student)/actions");

setupTestDatabase();

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}
type Created = { token: string; id: string };
const create = (as: Identity | null, fields: Record<string, string>) => {
  session.identity = as;
  return createTokenAction({ ok: true } as ActionState<Created>, form(fields));
};
const revoke = (as: Identity | null, id: string) => {
  session.identity = as;
  return revokeTokenAction({ ok: true } as ActionState<{ revoked: boolean }>, form({ id }));
};
const snapshot = async () => ({ tokens: await db().apiToken.findMany({ orderBy: { id: "asc" } }), audit: await db().auditEvent.count() });

let ivy: Identity;
let jack: Identity;
let tess: Identity;
let ada: Identity;

beforeAll(async () => {
  ivy = await createUser({ name: "ivy" });
  jack = await createUser({ name: "jack" });
  tess = await createUser({ name: "tess", roles: ["teacher"] });
  ada = await createUser({ name: "ada", roles: ["admin"] });
});

describe("creating a token", () => {
  it("works for every signed-in role, for themselves only, with the lifetimes the page offers", async () => {
    for (const [who, days] of [
      [ivy, "7"],
      [jack, "30"],
      [tess, "90"],
      [ada, "365"],
      [ivy, ""],
    ] as const) {
      const state = await create(who, { name: `for ${who.username} ${days || "ever"}`, expiresInDays: days });
      expect(state, who.username).toMatchObject({ ok: true, result: { token: expect.stringMatching(/^edk_/), id: expect.any(String) } });
      const row = await db().apiToken.findUniqueOrThrow({ where: { id: state.result!.id } });
      expect(row.userId).toBe(who.userId);
      if (days) expect(Math.round((row.expiresAt!.getTime() - row.createdAt.getTime()) / 86_400_000)).toBe(Number(days));
      else expect(row.expiresAt).toBeNull();
    }
  });

  it("asks a signed-out caller to sign in and creates nothing", async () => {
    const before = await snapshot();
    expect(await create(null, { name: "sneaky" })).toMatchObject({ ok: false, message: expect.stringMatching(/sign in/) });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses bad names and lifetimes beside their field, creating nothing", async () => {
    const before = await snapshot();
    const cases: [Record<string, string>, string][] = [
      [{ name: "" }, "name"],
      [{ name: "   " }, "name"],
      [{ name: "x".repeat(101) }, "name"],
      [{ name: "tab\there" }, "name"],
      [{ name: "line\nbreak" }, "name"],
      [{ name: "bell\u0007" }, "name"],
      [{ name: "nul\u0000" }, "name"],
      [{ expiresInDays: "30" }, "name"],
      [{ name: "ok", expiresInDays: "0" }, "expiresInDays"],
      [{ name: "ok", expiresInDays: "366" }, "expiresInDays"],
      [{ name: "ok", expiresInDays: "-7" }, "expiresInDays"],
      [{ name: "ok", expiresInDays: "7.5" }, "expiresInDays"],
      [{ name: "ok", expiresInDays: "true" }, "expiresInDays"],
      [{ name: "ok", expiresInDays: "1e2" }, "expiresInDays"],
      [{ name: "ok", expiresInDays: "30; DROP TABLE api_tokens" }, "expiresInDays"],
    ];
    for (const [fields, field] of cases) {
      const state = await create(ivy, fields);
      expect(state.ok, JSON.stringify(fields)).toBe(false);
      expect(Object.keys(state.fieldErrors ?? {}), JSON.stringify(fields)).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("keeps unicode and markup in a name as text, and ignores fields it does not know", async () => {
    const state = await create(jack, { name: "Skript für Übungen 🚀 <b>x</b>", expiresInDays: "7", userId: ivy.userId, revokedAt: "" });
    expect(state.ok).toBe(true);
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: state.result!.id } });
    expect(row).toMatchObject({ name: "Skript für Übungen 🚀 <b>x</b>", userId: jack.userId, revokedAt: null });
  });

  it("counts only usable tokens against the limit: expired ones make room", async () => {
    const kim = await createUser({ name: "kim" });
    for (let i = 0; i < MAX_TOKENS_PER_USER; i++) expect((await create(kim, { name: `t${i}`, expiresInDays: "7" })).ok).toBe(true);
    expect(await create(kim, { name: "one too many" })).toMatchObject({ ok: false, message: expect.stringMatching(/already have 20 tokens/) });
    await db().apiToken.updateMany({ where: { userId: kim.userId, name: { in: ["t0", "t1"] } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await create(kim, { name: "replacement" })).ok).toBe(true);
  });
});

describe("revoking a token", () => {
  it("revokes only the caller's own; someone else's is answered as missing, for every role, and nothing changes", async () => {
    const mine = (await create(ivy, { name: "to revoke" })).result!;
    const before = await snapshot();
    for (const other of [jack, tess, ada]) {
      expect(await revoke(other, mine.id), other.username).toMatchObject({ ok: false, message: expect.stringContaining("no such token") });
    }
    expect(await revoke(null, mine.id)).toMatchObject({ ok: false, message: expect.stringMatching(/sign in/) });
    expect(await snapshot()).toEqual(before);
    expect(await revoke(ivy, mine.id)).toMatchObject({ ok: true });
    expect((await listApiTokens(ivy)).find((t) => t.id === mine.id)).toMatchObject({ revoked: true });
  });

  it("refuses ids that are no token with the same answer, and too long ones beside the field", async () => {
    const before = await snapshot();
    for (const id of ["", "not-a-uuid", "'; DELETE FROM api_tokens; --", "00000000-0000-0000-0000-000000000000", "ｉｄ"]) {
      expect(await revoke(ivy, id), id).toMatchObject({ ok: false, message: expect.stringContaining("no such token") });
    }
    expect(await revoke(ivy, "x".repeat(101))).toMatchObject({ ok: false, fieldErrors: { id: [expect.any(String)] } });
    expect(await snapshot()).toEqual(before);
  });
});

describe("the list", () => {
  it("shows each token's last use once a script has used it", async () => {
    const { token, id } = (await create(jack, { name: "used by a script", expiresInDays: "7" })).result!;
    expect((await listApiTokens(jack)).find((t) => t.id === id)?.lastUsedAt).toBeNull();
    const response = await v1EnvironmentsRoute.GET(new Request("http://envdeck.test/api/v1/environments", { headers: { authorization: `Bearer ${token}` } }));
    expect(response.status).toBe(200);
    const listed = (await listApiTokens(jack)).find((t) => t.id === id)!;
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(await listApiTokens(jack))).not.toContain(token);
    expect((await listApiTokens(ivy)).some((t) => t.id === id)).toBe(false);
  });

  it("is for signed-in users only", async () => {
    await expect(listApiTokens(null)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
