import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionState } from "@/lib/auth/actions";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";

/**
 * The student's server actions, called directly as a POST from any page could call them, with nothing
 * of the UI in between. One stand-in, because these run outside a Next.js request: the next-auth session
 * (`getIdentity`) answers with the identity the test says is signed in. Everything else is real: the action
 * wrappers, the services and PostgreSQL.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));

const { launchAction, extendAction, deleteAction, createTokenAction, revokeTokenAction } = await import("@/app/(student)/actions");

allowLaunching();
setupTestDatabase();

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}
type AnyAction<R = unknown> = (state: never, data: FormData) => Promise<ActionState<R>>;
const call = <R>(action: AnyAction<R>, fields: Record<string, string>) => action({ ok: false } as never, form(fields));
const snapshot = () => db().instance.findMany({ orderBy: { uuid: "asc" } });

describe("student server actions", () => {
  let ivy: Identity;
  let jack: Identity;
  beforeAll(async () => {
    ivy = await createUser({ name: "ivy" });
    jack = await createUser({ name: "jack" });
    await createLaunchTemplate("desk", {
      ttlSeconds: 600,
      ttlExtendSeconds: 60,
      ttlMaxExtends: 1,
      spec: {
        parameters: { type: "object", properties: { cpus: { type: "integer", minimum: 1, maximum: 4, default: 1 } } },
        valuesTemplate: "host: {{ host }}\ncpus: {{ params.cpus }}\n",
      },
    });
  });

  it("launch types form text by the schema, and a second press returns the same instance", async () => {
    session.identity = ivy;
    const first = await call(launchAction, { name: "desk", "param:cpus": "3" });
    expect(first).toMatchObject({ ok: true, result: { outcome: "created", environment: { phase: "Pending", name: "desk" } } });
    const uuid = first.result!.environment.uuid;
    const row = await db().instance.findUniqueOrThrow({ where: { uuid } });
    expect(row.params).toEqual({ cpus: 3 });
    const again = await call(launchAction, { name: "desk", "param:cpus": "3" });
    expect(again.result).toMatchObject({ outcome: "existing", environment: { uuid } });
  });

  it("refuses bad input with a message and field errors, writing nothing", async () => {
    session.identity = jack;
    const before = await snapshot();
    const cases: [Record<string, string>, RegExp][] = [
      [{ name: "desk", "param:cpus": "lots" }, /cpus/],
      [{ name: "desk", "param:cpus": "99" }, /cpus/],
      [{ name: "desk", "param:root": "yes" }, /root/],
      [{ name: "desk", "param:cpus": "1".repeat(5000) }, /highlighted|4096/],
      [{ name: "no-such" }, /no template/i],
      [{ name: "desk'; DROP TABLE instances;--" }, /no template/i],
      [{ name: "" }, /highlighted/],
      [{}, /highlighted/],
      [{ name: "ｄｅｓｋ" }, /no template/i],
    ];
    for (const [fields, message] of cases) {
      const state = await call(launchAction, fields);
      expect(state.ok, JSON.stringify(fields).slice(0, 60)).toBe(false);
      expect(`${state.message} ${JSON.stringify(state.fieldErrors ?? {})}`).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses tampered fields: a disabled or base template by name, prototype-polluting or unknown parameters", async () => {
    session.identity = jack;
    await createLaunchTemplate("desk-off", { enabled: false });
    await createLaunchTemplate("desk-base", { isBase: true });
    const before = await snapshot();
    const cases: [Record<string, string>, RegExp][] = [
      [{ name: "desk-off" }, /disabled/],
      [{ name: "desk-base" }, /base template/],
      [{ name: "desk", "param:__proto__": "{\"admin\":true}" }, /__proto__/],
      [{ name: "desk", "param:constructor": "x" }, /constructor/],
      [{ name: "desk", "param:cpus": "2", "param:cpus ": "3" }, /cpus /],
      [{ name: "desk", "param:cpus": "<script>alert(1)</script>" }, /cpus/],
      [{ name: "desk", "param:cpus": "２" }, /cpus/],
      [{ name: "desk", "param:cpus": "2\u0000" }, /NUL character/],
      [{ name: "desk\u0000" }, /NUL character/],
      [{ name: "desk", "param:\u0000": "1" }, /NUL character/],
    ];
    for (const [fields, message] of cases) {
      const state = await call(launchAction, fields);
      expect(state.ok, JSON.stringify(fields).slice(0, 60)).toBe(false);
      expect(`${state.message} ${JSON.stringify(state.fieldErrors ?? {})}`).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("treats an empty field as a parameter not given: its default applies", async () => {
    session.identity = await createUser({ name: "kim" });
    const state = await call(launchAction, { name: "desk", "param:cpus": "" });
    expect(state).toMatchObject({ ok: true, result: { outcome: "created" } });
    const row = await db().instance.findUniqueOrThrow({ where: { uuid: state.result!.environment.uuid } });
    expect(row.params).toEqual({ cpus: 1 });
  });

  it("never lets another student extend or delete an instance, and answers as if it did not exist", async () => {
    session.identity = ivy;
    const mine = (await call(launchAction, { name: "desk" })).result!.environment;
    session.identity = jack;
    const before = await snapshot();
    for (const action of [extendAction, deleteAction] as AnyAction[]) {
      const state = await call(action, { uuid: mine.uuid });
      expect(state).toMatchObject({ ok: false, message: expect.stringContaining("no environment") });
    }
    for (const uuid of ["", "zzzzzzzz", "' OR 1=1--", "0".repeat(9)]) {
      expect((await call(extendAction, { uuid })).ok).toBe(false);
      expect((await call(deleteAction, { uuid })).ok).toBe(false);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("lets the owner extend once and then says no extensions are left, and delete", async () => {
    session.identity = ivy;
    const mine = (await call(launchAction, { name: "desk" })).result!.environment;
    expect(await call(extendAction, { uuid: mine.uuid })).toMatchObject({ ok: true, result: { environment: { extensionsLeft: 0 } } });
    expect(await call(extendAction, { uuid: mine.uuid })).toMatchObject({ ok: false, message: expect.stringContaining("No extensions left") });
    expect(await call(deleteAction, { uuid: mine.uuid })).toMatchObject({ ok: true, result: { environment: { phase: "Expiring" } } });
  });

  it("asks a signed-out caller to sign in and changes nothing", async () => {
    session.identity = null;
    const before = await snapshot();
    for (const [action, fields] of [
      [launchAction, { name: "desk" }],
      [extendAction, { uuid: "abcdef12" }],
      [deleteAction, { uuid: "abcdef12" }],
      [createTokenAction, { name: "x" }],
    ] as const) {
      expect(await call(action as AnyAction, fields as Record<string, string>)).toMatchObject({ ok: false, message: expect.stringContaining("sign in") });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("creates a personal token once (only its hash stored), refuses bad names, and revokes only the caller's own", async () => {
    session.identity = ivy;
    const created = await call(createTokenAction, { name: "laptop script", expiresInDays: "30" });
    expect(created.ok).toBe(true);
    const stored = await db().apiToken.findUniqueOrThrow({ where: { id: created.result!.id } });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.result!.token);
    const badTokens: Record<string, string>[] = [{ name: "" }, { name: "x".repeat(101) }, { name: "a\u0000b" }, { name: "ok", expiresInDays: "0" }, { name: "ok", expiresInDays: "abc" }];
    for (const fields of badTokens) {
      expect((await call(createTokenAction, fields)).ok, JSON.stringify(fields)).toBe(false);
    }
    session.identity = jack;
    expect(await call(revokeTokenAction, { id: created.result!.id })).toMatchObject({ ok: false, message: expect.stringContaining("no such token") });
    session.identity = ivy;
    expect(await call(revokeTokenAction, { id: created.result!.id })).toMatchObject({ ok: true });
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: created.result!.id } })).revokedAt).not.toBeNull();
  });
});
