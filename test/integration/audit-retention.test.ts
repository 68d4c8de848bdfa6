import { describe, expect, it } from "vitest";
import type { ControllerContext } from "@/lib/controllers/context";
import { enforceRetention } from "@/lib/controllers/retention";
import { databaseSettings } from "@/lib/controllers/settings";
import { runWorker } from "@/lib/controllers/worker";
import { db } from "@/lib/db/client";
import { readSettings } from "@/lib/db/settings";
import { updateSettings } from "@/lib/services/settings/update-settings";
import { setupTestDatabase } from "@/test/support/database";
import { createUser } from "@/test/support/launch";

/**
 * The audit trail's retention: the `audit.retentionDays` setting (180 days by default), enforced by the
 * worker's retention pass in batches, read live like every setting; stale sign-in attempts go with it.
 */

const database = setupTestDatabase();

function context(logs: string[] = []): ControllerContext {
  return {
    engine: null,
    noEngineReason: "",
    installationId: "edtest",
    // Read afresh on every pass: a change is seen at once, as the worker sees it after its wake-up.
    settings: databaseSettings(0),
    now: () => new Date(),
    log: (line) => logs.push(line),
  };
}

/** Writes `count` audit entries `daysAgo` days old, in one statement. */
async function entriesAged(daysAgo: number, count = 1, action = "test.aged") {
  await db().$executeRaw`INSERT INTO audit_events (at, actor_name, action, object_type, object_id)
    SELECT now() - make_interval(days => ${daysAgo}), 'someone', ${action}, 'test', ${String(daysAgo)} FROM generate_series(1, ${count})`;
}

const ages = async () => (await db().auditEvent.findMany({ where: { action: "test.aged" }, select: { objectId: true }, distinct: ["objectId"] })).map((e) => Number(e.objectId)).sort((a, b) => a - b);

describe("audit retention", () => {
  it("keeps 180 days by default and deletes what is older", async () => {
    expect((await readSettings()).audit).toEqual({ retentionDays: 180 });
    await entriesAged(1);
    await entriesAged(179);
    await entriesAged(181);
    await entriesAged(400);
    const logs: string[] = [];
    const pass = await enforceRetention(context(logs));
    expect(pass).toMatchObject({ auditDeleted: 2, more: false });
    expect(await ages()).toEqual([1, 179]);
    expect(logs).toEqual(["retention: deleted 2 audit entries older than 180 days"]);
    // Twice is the same as once.
    expect(await enforceRetention(context())).toMatchObject({ auditDeleted: 0, more: false });
  });

  it("follows a shortened retention at the next pass, the change itself audited and kept", async () => {
    const admin = await createUser({ name: "retention-admin", roles: ["admin"] });
    await entriesAged(31);
    await entriesAged(29);
    const settings = await updateSettings(admin, { auditRetentionDays: 30 });
    expect(settings.audit.retentionDays).toBe(30);
    await enforceRetention(context());
    expect(await ages()).toEqual([1, 29]);
    const change = await db().auditEvent.findFirstOrThrow({ where: { action: "settings.update" }, orderBy: { id: "desc" } });
    expect(change).toMatchObject({ actorName: "retention-admin", before: { audit: { retentionDays: 180 } }, after: { audit: { retentionDays: 30 } } });
    expect(await db().setting.findUniqueOrThrow({ where: { key: "audit.retentionDays" } })).toMatchObject({ value: 30 });
    await updateSettings(admin, { auditRetentionDays: null });
    expect((await readSettings()).audit.retentionDays).toBe(180);
  });

  it("deletes a backlog in batches, a bounded number per pass", async () => {
    await entriesAged(500, 2500);
    const first = await enforceRetention(context(), 2);
    expect(first).toMatchObject({ auditDeleted: 2000, more: true });
    const second = await enforceRetention(context(), 2);
    expect(second).toMatchObject({ auditDeleted: 500, more: false });
    expect(await db().auditEvent.count({ where: { objectId: "500" } })).toBe(0);
  });

  it("refuses bad retention values with a clear message and changes nothing", async () => {
    const admin = await createUser({ name: "retention-admin-2", roles: ["admin"] });
    const student = await createUser({ name: "retention-student" });
    const teacher = await createUser({ name: "retention-teacher", roles: ["teacher"] });
    const before = await db().setting.findMany({ orderBy: { key: "asc" } });
    const audits = await db().auditEvent.count();
    for (const bad of [0, -1, 1.5, 3651, "180", "'; DELETE FROM audit_events; --", true, [180], { days: 180 }, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await updateSettings(admin, { auditRetentionDays: bad }).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toMatchObject({ code: "INVALID_INPUT", fields: { auditRetentionDays: [expect.any(String)] } });
    }
    for (const [identity, code] of [
      [null, "UNAUTHENTICATED"],
      [student, "FORBIDDEN"],
      [teacher, "FORBIDDEN"],
    ] as const) {
      await expect(updateSettings(identity, { auditRetentionDays: 1 })).rejects.toMatchObject({ code });
    }
    expect(await db().setting.findMany({ orderBy: { key: "asc" } })).toEqual(before);
    expect(await db().auditEvent.count()).toBe(audits);
  });

  it("falls back to 180 days when the stored value is unusable", async () => {
    for (const bad of ["forever", 0, -5, 2.5, 100_000, null, { days: 1 }]) {
      await db().setting.upsert({ where: { key: "audit.retentionDays" }, create: { key: "audit.retentionDays", value: bad as never }, update: { value: bad as never } });
      expect((await readSettings()).audit.retentionDays, JSON.stringify(bad)).toBe(180);
    }
    await db().setting.delete({ where: { key: "audit.retentionDays" } });
  });

  it("removes sign-in attempts once they no longer count for throttling", async () => {
    await db().$executeRaw`INSERT INTO sign_in_attempts (at, username, address_key, failed) VALUES
      (now() - interval '31 minutes', 'old', '192.0.2.1', true), (now() - interval '5 minutes', 'recent', '192.0.2.1', true)`;
    const pass = await enforceRetention(context());
    expect(pass.attemptsDeleted).toBe(1);
    expect((await db().signInAttempt.findMany()).map((a) => a.username)).toEqual(["recent"]);
  });

  it("removes wrong join codes once they no longer count against their user", async () => {
    const [user] = await db().$queryRaw<{ id: string }[]>`INSERT INTO users (username) VALUES ('joiner') RETURNING id::text`;
    await db().$executeRaw`INSERT INTO join_attempts (user_id, at) VALUES
      (${user!.id}::uuid, now() - interval '31 minutes'), (${user!.id}::uuid, now() - interval '5 minutes')`;
    const pass = await enforceRetention(context());
    expect(pass.attemptsDeleted).toBe(1);
    expect((await db().joinAttempt.findMany()).map((a) => a.at.getTime() > Date.now() - 10 * 60_000)).toEqual([true]);
  });

  it("runs in the worker as soon as it leads", async () => {
    await entriesAged(900, 3);
    const abort = new AbortController();
    const running = runWorker({ databaseUrl: database.url, context: context(), signal: abort.signal, leaderPollMs: 50 });
    try {
      await expect.poll(() => db().auditEvent.count({ where: { objectId: "900" } }), { timeout: 15_000 }).toBe(0);
    } finally {
      abort.abort();
      await running;
    }
  });
});
