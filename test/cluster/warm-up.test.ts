import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { db, sqlPool } from "@/lib/db/client";
import { launchInstance } from "@/lib/services/instances/launch";
import { wakePool } from "@/lib/db/warm-ups";
import { bookWarmUp } from "@/lib/services/warm-ups/book-warm-up";
import { getWarmUp } from "@/lib/services/warm-ups/list-warm-ups";
import { setupTestDatabase } from "@/test/support/database";
import { cluster, createClusterTemplate, describeWithCluster, fixtureChart, fluxLabel, startTestWorker, waitFor, type TestWorker } from "@/test/support/cluster";
import { createStudents, createUser } from "@/test/support/launch";

/**
 * A warm-up end to end: a teacher books 10 warm environments of a pool template (base size 0) for a class
 * starting two minutes ahead; the worker's pool controller grows the pool within the lead time and Flux installs
 * the members, all Available before the start; during the class the students' launches claim warm members (no
 * fresh install); after the end the pool shrinks back, the claimed members untouched.
 *
 * Once the members are warm the test brings the class forward (it starts now and ends 20 s later) instead of
 * waiting out the rest of the two minutes, and wakes the pool as a teacher's change does; the end is then left
 * to the controller's own timer, which it set for the moment demand next changes.
 */
const database = setupTestDatabase();

/** A wall-clock minute in UTC as the booking form sends it. */
const utcMinute = (at: Date) => at.toISOString().slice(0, 16);

describeWithCluster("warm-ups against a real control plane", () => {
  let worker: TestWorker;
  beforeAll(async () => {
    process.env.KUBECONFIG = cluster!.kubeconfigPath;
    worker = await startTestWorker(database.url);
  });
  afterAll(async () => {
    await worker?.stop();
  });
  afterEach(({ task }) => {
    if (task.result?.state === "fail") console.log(`worker log:\n${worker.logs.join("\n")}`);
  });

  it(`warms 10 members before the start (${fluxLabel}), students claim them during the class, the pool shrinks after the end`, { timeout: 300_000 }, async () => {
    const { template } = await createClusterTemplate("warmclass", fixtureChart("envdeck-test"), { method: "pool", valuesTemplate: "greeting: warm {{ uuid }}\n" });
    await db().template.update({ where: { id: template.id }, data: { poolSize: 0, poolMaxSize: 12 } });
    const teacher = await createUser({ name: "wu-cluster-teacher", roles: ["teacher", "student"] });
    const students = await createStudents(10, "wu-cluster-kid");
    await db().class.create({
      data: { slug: "wu-cluster", title: "Cluster class", teachers: { create: [{ userId: teacher.userId }] }, members: { create: students.map((s) => ({ userId: s.userId, via: "teacher" })) } },
    });

    // Starts on the minute at least two minutes ahead, lasts one minute.
    const startsAt = new Date(Math.ceil((Date.now() + 2 * 60_000) / 60_000) * 60_000);
    const booked = await bookWarmUp(teacher, { slug: "wu-cluster", booking: { template: "warmclass", startsAt: utcMinute(startsAt), endsAt: utcMinute(new Date(startsAt.getTime() + 60_000)), timeZone: "UTC" } });
    // The roster size, by default.
    expect(booked.size).toBe(10);

    const unclaimed = () => db().instance.findMany({ where: { templateId: template.id, ownerKey: null, deletedAt: null, phase: { not: "Expiring" } } });
    // Nothing in the pool's history yet: the lead time is the default five minutes, so it is due at once.
    await waitFor("ten Available members", async () => (await unclaimed()).filter((m) => m.phase === "Available").length === 10, 150_000, 500);
    expect(Date.now()).toBeLessThan(startsAt.getTime());
    expect((await getWarmUp(teacher, { id: booked.id })).state).toMatchObject({ kind: "ready", ready: 10, size: 10 });

    // The class is brought forward: it starts now and ends in 20 s.
    const endsAt = new Date(Date.now() + 20_000);
    await db().warmUp.update({ where: { id: booked.id }, data: { startsAt: new Date(), endsAt, lastEndsAt: endsAt } });
    await wakePool(sqlPool(), template.id);
    const warm = new Set((await unclaimed()).map((m) => m.uuid));
    for (const student of students.slice(0, 6)) {
      const { outcome, environment } = await launchInstance(student, { template: "warmclass" });
      expect(outcome).toBe("claimed");
      expect(warm.has(environment.uuid)).toBe(true);
      expect(environment.phase).toBe("Claimed");
    }
    const claimed = await db().instance.findMany({ where: { templateId: template.id, ownerKey: { not: null } } });
    expect(claimed).toHaveLength(6);
    expect((await getWarmUp(teacher, { id: booked.id })).state).toMatchObject({ kind: "in-class", claimed: 6 });
    // What the class claimed no longer needs keeping warm: the four left stay, none is added.
    expect((await unclaimed()).length).toBe(4);

    await waitFor("the pool back at its base size after the end", async () => Date.now() > endsAt.getTime() && (await unclaimed()).length === 0, 90_000, 500);
    const after = await db().instance.findMany({ where: { id: { in: claimed.map((c) => c.id) } } });
    expect(after.map((i) => [i.phase, i.deletedAt])).toEqual(claimed.map(() => ["Claimed", null]));
    expect((await getWarmUp(teacher, { id: booked.id })).state).toEqual({ kind: "over" });
  });
});
