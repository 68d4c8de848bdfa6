import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { WAKE_CHANNEL } from "@/lib/db/coordination";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { extendInstance } from "@/lib/services/instances/extend";
import { getInstance } from "@/lib/services/instances/get";
import { launchInstance } from "@/lib/services/instances/launch";
import { listInstances } from "@/lib/services/instances/list";
import { releaseInstance } from "@/lib/services/instances/release";
import { HOSTILE_VALUES } from "@/test/fixtures/hostile-values";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser, insertAvailableMembers, phasesOf } from "@/test/support/launch";

allowLaunching();
const database = setupTestDatabase();

const withParams = {
  parameters: {
    type: "object",
    properties: {
      shell: { type: "string", enum: ["/bin/bash", "/bin/zsh"], default: "/bin/bash" },
      cpus: { type: "integer", minimum: 1, maximum: 8 },
      note: { type: "string", maxLength: 4096 },
    },
    required: ["cpus"],
  },
  valuesTemplate: "host: {{ host }}\nuser: {{ owner }}\nshell: {{ params.shell }}\ncpus: {{ params.cpus }}\nnote: {{ params.note | default: 'none' }}\n",
};

async function instanceCount() {
  return db().instance.count();
}

/** Collects NOTIFY payloads on the worker's channel while `fn` runs. */
async function notificationsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const payloads: string[] = [];
  client.on("notification", (n) => payloads.push(n.payload ?? ""));
  await client.query(`LISTEN ${WAKE_CHANNEL}`);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    await client.end();
  }
  return payloads;
}

describe("on-demand launch", () => {
  let alice: Identity;
  beforeAll(async () => {
    alice = await createUser({ name: "alice" });
    await createLaunchTemplate("shell", { spec: withParams, ttlSeconds: 3600 });
  });

  it("inserts a Pending instance with its address, rendered values and TTL, and wakes the worker", async () => {
    let result: Awaited<ReturnType<typeof launchInstance>> | undefined;
    const before = Date.now();
    const payloads = await notificationsDuring(async () => (result = await launchInstance(alice, { template: "shell", params: { cpus: 2 } })));
    const env = result!.environment;
    expect(result!.outcome).toBe("created");
    expect(env).toMatchObject({ name: "shell", owner: "alice", phase: "Pending", status: "pending", params: { shell: "/bin/bash", cpus: 2 }, shared: false });
    expect(env.namespace).toBe(`alice-shell-${env.uuid}`);
    expect(env.url).toBe(`https://shell-${env.uuid}.envdeck.localhost/`);
    const expires = new Date(env.expiresAt!).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
    const row = await db().instance.findUniqueOrThrow({ where: { uuid: env.uuid } });
    expect(row.values).toEqual({ host: `shell-${env.uuid}.envdeck.localhost`, user: "alice", shell: "/bin/bash", cpus: 2, note: "none" });
    expect(row.createdById).toBe(alice.userId);
    expect(payloads).toEqual([env.uuid]);
  });

  it("returns the owner's live instance instead of a second one", async () => {
    const again = await launchInstance(alice, { template: "shell", params: { cpus: 4 } });
    expect(again.outcome).toBe("existing");
    expect(await db().instance.count({ where: { ownerKey: "alice" } })).toBe(1);
  });

  it("launches a hidden template by name, and refuses disabled, unknown and base templates without writing", async () => {
    const bob = await createUser();
    await createLaunchTemplate("hidden-one", { visible: false });
    expect((await launchInstance(bob, { template: "hidden-one" })).outcome).toBe("created");
    await createLaunchTemplate("switched-off", { enabled: false });
    await createLaunchTemplate("a-base", { isBase: true });
    const count = await instanceCount();
    await expect(launchInstance(bob, { template: "switched-off" })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("disabled") });
    await expect(launchInstance(bob, { template: "no-such-template" })).rejects.toMatchObject({ code: "NOT_FOUND", message: 'There is no template named "no-such-template".' });
    await expect(launchInstance(bob, { template: "a-base" })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("base template") });
    for (const name of ["", "../shell", "Shell", "shell'; DROP TABLE instances;--", "x".repeat(5000), "ｓｈｅｌｌ", 42 as unknown as string]) {
      await expect(launchInstance(bob, { template: name }), JSON.stringify(name).slice(0, 40)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect(await instanceCount()).toBe(count);
  });

  it("refuses callers without an identity", async () => {
    await expect(launchInstance(null, { template: "shell" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("launch parameters", () => {
  let carol: Identity;
  beforeAll(async () => {
    carol = await createUser({ name: "carol" });
    await createLaunchTemplate("params", { spec: withParams });
  });

  const bad: [string, unknown, RegExp][] = [
    ["a missing required parameter", {}, /Missing required parameter "cpus"/],
    ["a wrong type", { cpus: "two" }, /cpus/],
    ["a number out of range", { cpus: 99 }, /cpus/],
    ["a value outside the enum", { cpus: 1, shell: "/bin/evil" }, /shell/],
    ["an unknown parameter", { cpus: 1, admin: true }, /admin/],
    ["a 1 MB value", { cpus: 1, note: "x".repeat(1024 * 1024) }, /note/],
    ["an array instead of an object", [1, 2], /params/],
    ["a string instead of an object", "cpus=1", /params/],
    ["a prototype key", JSON.parse('{"cpus": 1, "__proto__": {"polluted": true}}'), /__proto__/],
  ];
  for (const [what, params, message] of bad) {
    it(`refuses ${what} with INVALID_INPUT and writes nothing`, async () => {
      const count = await instanceCount();
      await expect(launchInstance(carol, { template: "params", params: params })).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(/./) });
      await launchInstance(carol, { template: "params", params: params }).catch((error: { message: string; fields?: Record<string, string[]> }) => {
        expect(`${error.message} ${JSON.stringify(error.fields ?? {})}`).toMatch(message);
      });
      expect(await instanceCount()).toBe(count);
    });
  }

  it("stores hostile text values as data: the rendered values hold them verbatim", async () => {
    for (const [i, value] of HOSTILE_VALUES.filter((v): v is string => typeof v === "string" && v.length <= 4096).slice(0, 40).entries()) {
      const user = await createUser({ name: `hostile-${i}` });
      const { environment } = await launchInstance(user, { template: "params", params: { cpus: 1, note: value } });
      const row = await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } });
      expect((row.values as { note: string }).note, JSON.stringify(value)).toBe(value === "" ? "none" : value);
      expect(Object.keys(row.values as object).sort()).toEqual(["cpus", "host", "note", "shell", "user"]);
    }
  });
});

describe("ownership and quotas", () => {
  it("gives every member of a group the one group-owned instance", async () => {
    await createLaunchTemplate("team-lab", { spec: { ownerClaim: "groups" } });
    const members = await Promise.all([1, 2, 3].map((i) => createUser({ name: `team-${i}`, groups: ["Team Blue"] })));
    const results = [];
    for (const member of members) results.push(await launchInstance(member, { template: "team-lab" }));
    expect(results.map((r) => r.outcome)).toEqual(["created", "existing", "existing"]);
    expect(new Set(results.map((r) => r.environment.uuid)).size).toBe(1);
    expect(results[0]!.environment).toMatchObject({ owner: "team-blue", shared: true });
    const loner = await createUser({ name: "loner" });
    await expect(launchInstance(loner, { template: "team-lab" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("not in any group") });
  });

  it("counts live instances per owner key across templates, with the template's override or the default", async () => {
    const dave = await createUser({ name: "dave" });
    for (const name of ["q1", "q2", "q3", "q4", "q5", "q6"]) await createLaunchTemplate(name);
    await createLaunchTemplate("q-strict", { maxInstancesPerUser: 2 });
    for (const name of ["q1", "q2", "q3", "q4", "q5"]) await launchInstance(dave, { template: name });
    await expect(launchInstance(dave, { template: "q6" })).rejects.toMatchObject({ code: "QUOTA_EXCEEDED", message: expect.stringMatching(/quota: a limit of 5\b/) });
    await expect(launchInstance(dave, { template: "q-strict" })).rejects.toMatchObject({ code: "QUOTA_EXCEEDED", message: expect.stringContaining("limit of 2") });
    await db().setting.create({ data: { key: "quota.defaultMaxInstancesPerUser", value: 6 } });
    expect((await launchInstance(dave, { template: "q6" })).outcome).toBe("created");
    // Six of six: a deleted instance no longer counts.
    await expect(launchInstance(dave, { template: "q-strict" })).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
    await releaseInstance(dave, { template: "q1" });
    expect((await launchInstance(dave, { template: "q1" })).outcome).toBe("created");
    await db().setting.delete({ where: { key: "quota.defaultMaxInstancesPerUser" } });
  });
  it("falls back to the default quota when the stored setting is not a usable number", async () => {
    const kim = await createUser({ name: "kim" });
    for (const name of ["k1", "k2", "k3", "k4", "k5", "k6"]) await createLaunchTemplate(name);
    for (const bad of ["lots", -1, 2.5, 100000, null, { limit: 9 }, "'; DROP TABLE settings;--"]) {
      await db().setting.upsert({ where: { key: "quota.defaultMaxInstancesPerUser" }, create: { key: "quota.defaultMaxInstancesPerUser", value: bad as never }, update: { value: bad as never } });
      expect((await listInstances(kim)).quota.limit, JSON.stringify(bad)).toBe(5);
    }
    for (const name of ["k1", "k2", "k3", "k4", "k5"]) await launchInstance(kim, { template: name });
    await expect(launchInstance(kim, { template: "k6" })).rejects.toMatchObject({ code: "QUOTA_EXCEEDED", message: expect.stringContaining("limit of 5") });
    await db().setting.delete({ where: { key: "quota.defaultMaxInstancesPerUser" } });
  });
});

describe("pool launches", () => {
  it("claims an Available member: owner stamped, TTL started at the claim, worker and pool woken", async () => {
    const pool = await createLaunchTemplate("warm", { method: "pool", poolSize: 2, poolMaxSize: 4, ttlSeconds: 600 });
    const [first] = await insertAvailableMembers(pool.id, 2);
    const erin = await createUser({ name: "erin" });
    let result: Awaited<ReturnType<typeof launchInstance>> | undefined;
    const payloads = await notificationsDuring(async () => (result = await launchInstance(erin, { template: "warm" })));
    expect(result!.outcome).toBe("claimed");
    expect(result!.environment).toMatchObject({ uuid: first, owner: "erin", phase: "Claimed", pooled: true });
    const row = await db().instance.findUniqueOrThrow({ where: { uuid: first! } });
    expect(row.claimedAt!.getTime() + 600_000).toBe(row.expiresAt!.getTime());
    expect(payloads.sort()).toEqual([first, `pool:${pool.id}`].sort());
  });

  it("falls back to on-demand when the pool is empty, up to maxSize, then says the pool is exhausted", async () => {
    const pool = await createLaunchTemplate("scarce", { method: "pool", poolSize: 1, poolMaxSize: 2 });
    await insertAvailableMembers(pool.id, 1);
    const outcomes = [];
    for (let i = 0; i < 2; i++) outcomes.push((await launchInstance(await createUser(), { template: "scarce" })).outcome);
    expect(outcomes).toEqual(["claimed", "created"]);
    await expect(launchInstance(await createUser(), { template: "scarce" })).rejects.toMatchObject({ code: "POOL_EXHAUSTED", message: expect.stringContaining("limit is 2") });
    expect(await phasesOf(pool.id)).toEqual({ Claimed: 1, Pending: 1 });
  });

  it("refuses with POOL_EXHAUSTED when the template says so", async () => {
    const pool = await createLaunchTemplate("strict-pool", { method: "pool", poolSize: 1, poolFallback: "refuse" });
    const count = await instanceCount();
    await expect(launchInstance(await createUser(), { template: "strict-pool" })).rejects.toMatchObject({ code: "POOL_EXHAUSTED", message: expect.stringContaining("No warm") });
    expect(await instanceCount()).toBe(count);
    expect(pool.method).toBe("pool");
  });
});

describe("extend, release and my environments", () => {
  let frank: Identity;
  let grace: Identity;
  beforeAll(async () => {
    frank = await createUser({ name: "frank", groups: ["lab-a"] });
    grace = await createUser({ name: "grace" });
    await createLaunchTemplate("ext", { ttlSeconds: 600, ttlExtendSeconds: 300, ttlMaxExtends: 2 });
    await createLaunchTemplate("forever", { ttlSeconds: -1 });
    await createLaunchTemplate("shared-ext", { spec: { ownerClaim: "groups" } });
  });

  it("adds extendSeconds to the current expiry, at most maxExtends times", async () => {
    const { environment } = await launchInstance(frank, { template: "ext" });
    const start = new Date(environment.expiresAt!).getTime();
    const once = await extendInstance(frank, { uuid: environment.uuid });
    expect(new Date(once.expiresAt!).getTime()).toBe(start + 300_000);
    const twice = await extendInstance(frank, { template: "ext" });
    expect(new Date(twice.expiresAt!).getTime()).toBe(start + 600_000);
    expect(twice).toMatchObject({ extendCount: 2, extensionsLeft: 0 });
    await expect(extendInstance(frank, { template: "ext" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("No extensions left") });
    expect((await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } })).extendCount).toBe(2);
  });

  it("says an unlimited TTL has nothing to extend (400), distinct from the limit", async () => {
    const { environment } = await launchInstance(frank, { template: "forever" });
    expect(environment).toMatchObject({ expiresAt: null, isUnlimited: true, extensionsLeft: null });
    await expect(extendInstance(frank, { uuid: environment.uuid })).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("no time limit") });
  });

  it("never lets anyone see, extend or delete another owner's instance, and treats it as missing", async () => {
    const { environment } = await launchInstance(frank, { template: "ext" });
    const before = await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } });
    for (const ref of [{ uuid: environment.uuid }, { template: "ext" }]) {
      await expect(getInstance(grace, ref)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(extendInstance(grace, ref)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(releaseInstance(grace, ref)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    for (const uuid of ["00000000", "ZZZZZZZZ", "' OR 1=1 --", "", "x".repeat(10_000), "ｄｅａｄｂｅｅｆ"]) {
      await expect(extendInstance(frank, { uuid })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(releaseInstance(frank, { uuid })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(extendInstance(frank, { template: "no-such" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } })).toEqual(before);
    expect((await listInstances(grace)).environments.map((e) => e.uuid)).not.toContain(environment.uuid);
  });

  it("lists what the user owns by username and by every group", async () => {
    const shared = await launchInstance(frank, { template: "shared-ext" });
    const teammate = await createUser({ name: "heidi", groups: ["lab-a"] });
    const mine = await listInstances(teammate);
    expect(mine.environments.map((e) => e.uuid)).toEqual([shared.environment.uuid]);
    const franks = await listInstances(frank);
    expect(franks.environments.map((e) => e.name).sort()).toEqual(["ext", "forever", "shared-ext"]);
    expect(franks.quota).toEqual({ used: 2, limit: 5, templates: [{ name: "q-strict", displayName: "q-strict", limit: 2 }] });
  });

  it("deletes an instance: Expiring at once, the worker woken, no longer listed; then it is gone for every action", async () => {
    const target = (await listInstances(frank)).environments.find((e) => e.name === "forever")!;
    const payloads = await notificationsDuring(() => releaseInstance(frank, { uuid: target.uuid }));
    expect(payloads).toContain(target.uuid);
    expect((await db().instance.findUniqueOrThrow({ where: { uuid: target.uuid } })).phase).toBe("Expiring");
    expect((await listInstances(frank)).environments.map((e) => e.uuid)).not.toContain(target.uuid);
    for (const action of [releaseInstance, extendInstance, getInstance]) {
      await expect(action(frank, { uuid: target.uuid }), action.name).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(action(frank, { template: "forever" }), action.name).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
  });

  it("returns a released pool member to its pool when recycle is off, and tears it down when on", async () => {
    const keep = await createLaunchTemplate("reuse", { method: "pool", poolSize: 1, poolRecycle: false });
    const fresh = await createLaunchTemplate("fresh", { method: "pool", poolSize: 1 });
    await insertAvailableMembers(keep.id, 1);
    await insertAvailableMembers(fresh.id, 1);
    const reused = await launchInstance(frank, { template: "reuse" });
    await extendInstance(frank, { template: "reuse" });
    const back = await releaseInstance(frank, { template: "reuse" });
    expect(back).toMatchObject({ uuid: reused.environment.uuid, phase: "Available", owner: null, expiresAt: null, extendCount: 0 });
    const torn = await launchInstance(frank, { template: "fresh" });
    expect((await releaseInstance(frank, { uuid: torn.environment.uuid })).phase).toBe("Expiring");
  });
});
