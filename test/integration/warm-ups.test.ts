import { beforeAll, describe, expect, it } from "vitest";
import { reconcilePool } from "@/lib/controllers/pools";
import { db } from "@/lib/db/client";
import { invalidateTemplateCache } from "@/lib/db/templates";
import { isAppError } from "@/lib/domain/errors";
import type { Identity } from "@/lib/domain/identity";
import { launchInstance } from "@/lib/services/instances/launch";
import { bookWarmUp } from "@/lib/services/warm-ups/book-warm-up";
import { cancelWarmUp } from "@/lib/services/warm-ups/cancel-warm-up";
import { listBookableTemplates } from "@/lib/services/warm-ups/list-bookable-templates";
import { getWarmUp, listClassWarmUps, listMyWarmUps } from "@/lib/services/warm-ups/list-warm-ups";
import { updateWarmUp } from "@/lib/services/warm-ups/update-warm-up";
import { testContext } from "@/test/support/controller";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createStudents, createUser, phasesOf } from "@/test/support/launch";

/**
 * Warm-ups against the real PostgreSQL: booking, changing and cancelling them through the use cases (rights,
 * bad input that books nothing, capacity next to other bookings), and the pool controller growing a pool for a
 * due warm-up and shrinking it after, claimed members untouched. The controller runs with a chosen clock.
 */
allowLaunching();
setupTestDatabase();

const NOW = new Date("2027-01-10T12:00:00Z");
const MIN = 60_000;
let admin: Identity, teacherA: Identity, teacherB: Identity, student: Identity;
let students: Identity[];
let poolId: string;

/** A booking 1 hour from NOW for 1 hour, in UTC wall-clock terms. */
const booking = (changes: Record<string, unknown> = {}) => ({ template: "wu-pool", size: 10, startsAt: "2027-01-10T13:00", endsAt: "2027-01-10T14:00", timeZone: "UTC", ...changes });

async function refusal(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message, fields: error.fields ?? {} };
    throw error;
  }
  throw new Error("expected a refusal");
}

const tableOf = async () => ({ rows: await db().warmUp.findMany({ orderBy: { createdAt: "asc" } }), audit: await db().auditEvent.count({ where: { objectType: "warm-up" } }) });

beforeAll(async () => {
  admin = await createUser({ name: "wu-admin", roles: ["admin", "teacher", "student"] });
  teacherA = await createUser({ name: "wu-teacher-a", roles: ["teacher", "student"] });
  teacherB = await createUser({ name: "wu-teacher-b", roles: ["teacher", "student"] });
  student = await createUser({ name: "wu-student" });
  students = await createStudents(12, "wu-kid");
  poolId = (await createLaunchTemplate("wu-pool", { method: "pool", poolSize: 2, poolMaxSize: 40 })).id;
  await createLaunchTemplate("wu-ondemand");
  await createLaunchTemplate("wu-disabled", { method: "pool", poolSize: 0, poolMaxSize: 5, enabled: false });
  await createLaunchTemplate("wu-deleted", { method: "pool", poolSize: 0, poolMaxSize: 5 });
  await db().template.update({ where: { name: "wu-deleted" }, data: { deletedAt: new Date() } });
  // A pool template whose values came to use the owner (written behind the editor's back, as an old import might).
  const owned = await createLaunchTemplate("wu-owner", { method: "pool", poolSize: 0, poolMaxSize: 5 });
  await db().templateVersion.updateMany({ where: { templateId: owned.id }, data: { valuesTemplate: "user: {{ owner }}\n" } });
  invalidateTemplateCache();
  await db().class.create({
    data: {
      slug: "net-1a",
      title: "Networks 1A",
      teachers: { create: [{ userId: teacherA.userId }] },
      members: { create: students.map((s) => ({ userId: s.userId, via: "teacher" })) },
    },
  });
  await db().class.create({ data: { slug: "other", title: "Other", teachers: { create: [{ userId: teacherB.userId }] } } });
});

describe("booking a warm-up", () => {
  it("books for the roster size by default, stores instants and the zone, and audits it", async () => {
    const view = await bookWarmUp(teacherA, { slug: "net-1a", booking: { ...booking(), size: undefined, timeZone: "Europe/Paris", startsAt: "2027-01-10T14:00", endsAt: "2027-01-10T15:00" } }, NOW);
    expect(view).toMatchObject({ size: 12, class: { slug: "net-1a" }, template: { name: "wu-pool" }, timeZone: "Europe/Paris", localStartsAt: "2027-01-10T14:00", weeklyUntil: null, state: { kind: "scheduled" } });
    expect(view.startsAt.toISOString()).toBe("2027-01-10T13:00:00.000Z");
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "warm-up.book", objectId: view.id } });
    expect(audit).toMatchObject({ actorName: "wu-teacher-a", objectType: "warm-up", after: { class: "net-1a", template: "wu-pool", size: 12, timeZone: "Europe/Paris" } });
    await cancelWarmUp(teacherA, { id: view.id }, NOW);
  });

  it("keeps a weekly booking's local time across the daylight-saving change", async () => {
    const view = await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 3, timeZone: "America/New_York", startsAt: "2027-10-25T08:00", endsAt: "2027-10-25T09:00", weeklyUntil: "2027-11-08" }) }, NOW);
    const row = await db().warmUp.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.startsAt.toISOString()).toBe("2027-10-25T12:00:00.000Z");
    // The last occurrence is on 2027-11-08 at 09:00 New York time, after the switch to standard time (UTC-5).
    expect(row.lastEndsAt.toISOString()).toBe("2027-11-08T14:00:00.000Z");
    expect(view.weeklyUntil).toBe("2027-11-08");
    await cancelWarmUp(teacherA, { id: view.id }, NOW);
  });

  it("refuses bad input with a message at each field and books nothing", async () => {
    const before = await tableOf();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [booking({ endsAt: "2027-01-10T12:30" }), "endsAt", /after the start/],
      [booking({ endsAt: "2027-01-10T13:00" }), "endsAt", /after the start/],
      [booking({ size: 0 }), "size", /at least 1/],
      [booking({ size: -5 }), "size", /at least 1/],
      [booking({ size: 100_000 }), "size", /at most 1000/],
      [booking({ size: "ten" }), "size", /number/],
      [booking({ template: "wu-deleted" }), "template", /no template named/],
      [booking({ template: "no-such-template" }), "template", /no template named/],
      [booking({ template: "wu-ondemand" }), "template", /on demand/],
      [booking({ template: "wu-owner" }), "template", /owner/],
      [booking({ template: "wu-disabled" }), "template", /disabled/],
      [booking({ template: "'; DROP TABLE warm_ups; --" }), "template", /no template named/],
      [booking({ template: "ラボ🧪" }), "template", /no template named/],
      [booking({ startsAt: "2027-01-09T09:00", endsAt: "2027-01-09T10:00" }), "startsAt", /past/],
      [booking({ timeZone: "Mars/Olympus_Mons" }), "timeZone", /IANA/],
      [booking({ timeZone: "Europe/Paris\u0000" }), "timeZone", /NUL/],
      [booking({ startsAt: "<script>alert(1)</script>" }), "startsAt", /YYYY/],
      [booking({ weeklyUntil: "2027-01-01" }), "weeklyUntil", /before the first/],
      [booking({ note: "extra" }), "note", /not a field/],
      [{}, "startsAt", /Enter a start/],
    ];
    for (const [input, field, message] of cases) {
      const refused = await refusal(bookWarmUp(teacherA, { slug: "net-1a", booking: input }, NOW));
      expect(refused.code, JSON.stringify(input)).toMatch(/INVALID_INPUT/);
      expect(refused.fields[field]?.join(" "), JSON.stringify(input)).toMatch(message);
    }
    const missing = await refusal(bookWarmUp(teacherA, { slug: "net-1a", booking: {} }, NOW));
    expect(Object.keys(missing.fields).sort()).toEqual(["endsAt", "startsAt", "template", "timeZone"]);
    expect(await tableOf()).toEqual(before);
  });

  it("refuses a booking past maxSize next to the base size and overlapping warm-ups, saying how many are free", async () => {
    const first = await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 30 }) }, NOW);
    const before = await tableOf();
    // maxSize 40 − base 2 − 30 booked = 8 free during the overlap.
    const refused = await refusal(bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 9, startsAt: "2027-01-10T13:30", endsAt: "2027-01-10T14:30" }) }, NOW));
    expect(refused).toMatchObject({ code: "CONFLICT", fields: { size: [expect.stringContaining("Only 8 environments")] } });
    // Growing the first past the cap is refused the same way.
    expect(await refusal(updateWarmUp(teacherA, { id: first.id, change: { size: 39 } }, NOW))).toMatchObject({ code: "CONFLICT", fields: { size: [expect.stringContaining("Only 38")] } });
    expect(await tableOf()).toEqual(before);
    // Right after it ends there is room again; 8 fits beside it.
    await cancelWarmUp(teacherA, { id: (await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 38, startsAt: "2027-01-10T14:00", endsAt: "2027-01-10T15:00" }) }, NOW)).id }, NOW);
    await cancelWarmUp(teacherA, { id: (await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 8 }) }, NOW)).id }, NOW);
    await cancelWarmUp(teacherA, { id: first.id }, NOW);
  });

  it("a weekly booking whose first class has passed changes its size and last date, never its times", async () => {
    const view = await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 4, weeklyUntil: "2027-02-28" }) }, NOW);
    // Three weeks on, between two classes.
    const later = new Date(NOW.getTime() + 21 * 24 * 60 * MIN);
    const changed = await updateWarmUp(teacherA, { id: view.id, change: { size: 6, weeklyUntil: "2027-03-14" } }, later);
    expect(changed).toMatchObject({ size: 6, weeklyUntil: "2027-03-14", localStartsAt: "2027-01-10T13:00", localEndsAt: "2027-01-10T14:00" });
    // The form sends every field: the same times are no change.
    expect((await updateWarmUp(teacherA, { id: view.id, change: { size: 5, startsAt: "2027-01-10T13:00", endsAt: "2027-01-10T14:00", timeZone: "UTC" } }, later)).size).toBe(5);
    const before = await tableOf();
    expect(await refusal(updateWarmUp(teacherA, { id: view.id, change: { startsAt: "2027-02-07T15:00", endsAt: "2027-02-07T16:00" } }, later))).toMatchObject({
      code: "INVALID_INPUT",
      fields: { startsAt: [expect.stringContaining("times stay as booked")], endsAt: [expect.stringContaining("times stay as booked")] },
    });
    expect(await refusal(updateWarmUp(teacherA, { id: view.id, change: { weeklyUntil: "2027-01-24" } }, later))).toMatchObject({ code: "INVALID_INPUT", fields: { weeklyUntil: [expect.stringContaining("has passed")] } });
    expect(await refusal(updateWarmUp(teacherA, { id: view.id, change: { weeklyUntil: "2027-01-03" } }, later))).toMatchObject({ code: "INVALID_INPUT", fields: { weeklyUntil: [expect.stringContaining("before the first")] } });
    expect(await tableOf()).toEqual(before);
    await cancelWarmUp(teacherA, { id: view.id }, later);
  });

  it("changes a booking and cancels it once, each audited; a cancelled one cannot change", async () => {
    const view = await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 5 }) }, NOW);
    const changed = await updateWarmUp(teacherA, { id: view.id, change: { size: 7, endsAt: "2027-01-10T14:30" } }, NOW);
    expect(changed).toMatchObject({ size: 7, localStartsAt: "2027-01-10T13:00", localEndsAt: "2027-01-10T14:30" });
    expect(await refusal(updateWarmUp(teacherA, { id: view.id, change: { endsAt: "2027-01-10T12:59" } }, NOW))).toMatchObject({ code: "INVALID_INPUT", fields: { endsAt: [expect.stringContaining("after")] } });
    expect((await cancelWarmUp(teacherA, { id: view.id }, NOW)).state).toEqual({ kind: "cancelled" });
    await cancelWarmUp(teacherA, { id: view.id }, NOW);
    const actions = (await db().auditEvent.findMany({ where: { objectId: view.id }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["warm-up.book", "warm-up.update", "warm-up.cancel"]);
    expect(await refusal(updateWarmUp(teacherA, { id: view.id, change: { size: 3 } }, NOW))).toMatchObject({ code: "CONFLICT" });
  });

  it("answers each caller by their rights, and a refused call changes nothing", async () => {
    const view = await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 2 }) }, NOW);
    const before = await tableOf();
    const calls = (who: Identity | null) => [
      () => bookWarmUp(who, { slug: "net-1a", booking: booking({ size: 1 }) }, NOW),
      () => updateWarmUp(who, { id: view.id, change: { size: 3 } }, NOW),
      () => cancelWarmUp(who, { id: view.id }, NOW),
      () => getWarmUp(who, { id: view.id }, NOW),
      () => listClassWarmUps(who, { slug: "net-1a" }, NOW),
    ];
    for (const [who, code] of [
      [null, "UNAUTHENTICATED"],
      [student, "FORBIDDEN"],
      [teacherB, "NOT_FOUND"],
    ] as const) {
      for (const call of calls(who)) expect((await refusal(call())).code).toBe(code);
    }
    expect((await refusal(listMyWarmUps(null, NOW))).code).toBe("UNAUTHENTICATED");
    expect((await refusal(listMyWarmUps(student, NOW))).code).toBe("FORBIDDEN");
    expect(await listMyWarmUps(teacherB, NOW)).toEqual([]);
    expect(await tableOf()).toEqual(before);
    // The teacher and an admin reach it.
    expect((await getWarmUp(teacherA, { id: view.id }, NOW)).id).toBe(view.id);
    expect((await listMyWarmUps(admin, NOW)).map((w) => w.id)).toContain(view.id);
    expect((await updateWarmUp(admin, { id: view.id, change: { size: 4 } }, NOW)).size).toBe(4);
    for (const id of ["not-a-uuid", "00000000-0000-0000-0000-000000000000", 42]) expect((await refusal(getWarmUp(teacherA, { id }, NOW))).code).toBe("NOT_FOUND");
    expect((await refusal(bookWarmUp(teacherA, { slug: "other", booking: booking() }, NOW))).code).toBe("NOT_FOUND");
    await cancelWarmUp(admin, { id: view.id }, NOW);
  });

  it("offers only templates that can be warmed up", async () => {
    expect((await listBookableTemplates(teacherA)).map((t) => t.name)).toEqual(["wu-pool"]);
    expect((await refusal(listBookableTemplates(student))).code).toBe("FORBIDDEN");
  });
});

describe("the pool controller and warm-ups", () => {
  it("keeps the base size until the lead time, adds the booking then, and shrinks back after the end, claimed members untouched", async () => {
    await db().warmUp.updateMany({ data: { cancelledAt: NOW } });
    const view = await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 10 }) }, NOW);
    const at = (ms: number) => testContext({ now: () => new Date(NOW.getTime() + ms), settings: { defaultQuota: 0 } });

    // An hour ahead, with no member history the lead time is 5 minutes: only the base size, and a time to look again.
    const early = await reconcilePool(at(0), poolId, 100);
    expect(early.created).toHaveLength(2);
    expect(early.nextChangeAt?.toISOString()).toBe("2027-01-10T12:55:00.000Z");

    // Within the lead time: base 2 + 10.
    const due = await reconcilePool(at(56 * MIN), poolId, 100);
    expect(due).toMatchObject({ warmUpExtra: 10, nextChangeAt: new Date("2027-01-10T14:00:00Z") });
    expect(due.created).toHaveLength(10);
    expect((await getWarmUp(teacherA, { id: view.id }, new Date(NOW.getTime() + 56 * MIN))).state).toMatchObject({ kind: "warming", ready: 0, size: 10 });

    // The members turn Available; three students of the class claim one each during the class.
    await db().instance.updateMany({ where: { templateId: poolId, deletedAt: null }, data: { phase: "Available", readyAt: new Date(NOW.getTime() + 58 * MIN) } });
    expect((await getWarmUp(teacherA, { id: view.id }, new Date(NOW.getTime() + 59 * MIN))).state).toMatchObject({ kind: "ready", ready: 10, readySince: new Date(NOW.getTime() + 58 * MIN) });
    for (const s of students.slice(0, 3)) await launchInstance(s, { template: "wu-pool" });
    const claimed = await db().instance.findMany({ where: { templateId: poolId, ownerKey: { not: null } }, select: { uuid: true } });
    expect(claimed).toHaveLength(3);
    await db().instance.updateMany({ where: { ownerKey: { not: null } }, data: { claimedAt: new Date(NOW.getTime() + 65 * MIN) } });
    const during = await reconcilePool(at(66 * MIN), poolId, 100);
    // What the class claimed no longer needs keeping warm: 2 + (10 − 3) unclaimed, so no refill.
    expect(during).toMatchObject({ warmUpExtra: 7, created: [], removed: [] });
    expect((await getWarmUp(teacherA, { id: view.id }, new Date(NOW.getTime() + 66 * MIN))).state).toMatchObject({ kind: "in-class", claimed: 3 });

    // After the end: back to the base size, only unclaimed members removed.
    const after = await reconcilePool(at(121 * MIN), poolId, 100);
    expect(after).toMatchObject({ warmUpExtra: 0, nextChangeAt: null });
    expect(after.removed).toHaveLength(7);
    expect(after.removed).not.toEqual(expect.arrayContaining(claimed.map((c) => c.uuid)));
    const left = await db().instance.findMany({ where: { templateId: poolId, deletedAt: null, phase: { not: "Expiring" } } });
    expect(left.filter((i) => i.ownerKey === null)).toHaveLength(2);
    expect(left.filter((i) => i.ownerKey !== null).map((i) => i.phase)).toEqual(["Claimed", "Claimed", "Claimed"]);
    expect((await getWarmUp(teacherA, { id: view.id }, new Date(NOW.getTime() + 121 * MIN))).state).toEqual({ kind: "over" });
    expect(await phasesOf(poolId)).toMatchObject({ Claimed: 3, Available: 2, Expiring: 7 });
  });

  it("counts what the class claimed by who claimed it: a team's shared environment is one claim, not one per student", async () => {
    await db().warmUp.updateMany({ data: { cancelledAt: NOW } });
    const teamId = (await createLaunchTemplate("wu-team", { method: "pool", poolSize: 0, poolMaxSize: 20, spec: { ownerClaim: "groups" } })).id;
    const team = await createStudents(3, "wu-team-kid", ["team-a"]);
    await db().class.create({
      data: { slug: "teams-1", title: "Teams", teachers: { create: [{ userId: teacherA.userId }] }, members: { create: team.map((s) => ({ userId: s.userId, via: "teacher" })) } },
    });
    const view = await bookWarmUp(teacherA, { slug: "teams-1", booking: booking({ template: "wu-team", size: 4 }) }, NOW);
    const at = (ms: number) => testContext({ now: () => new Date(NOW.getTime() + ms), settings: { defaultQuota: 0 } });
    expect((await reconcilePool(at(56 * MIN), teamId, 100)).created).toHaveLength(4);
    await db().instance.updateMany({ where: { templateId: teamId }, data: { phase: "Available", readyAt: new Date(NOW.getTime() + 58 * MIN) } });

    // The whole team launches: the first claims the group's environment, the others are given it.
    const outcomes = [];
    for (const s of team) outcomes.push((await launchInstance(s, { template: "wu-team" })).outcome);
    expect(outcomes).toEqual(["claimed", "existing", "existing"]);
    const claimed = await db().instance.findMany({ where: { templateId: teamId, ownerKey: { not: null } } });
    expect(claimed.map((i) => i.ownerKey)).toEqual(["team-a"]);
    await db().instance.updateMany({ where: { templateId: teamId, ownerKey: { not: null } }, data: { claimedAt: new Date(NOW.getTime() + 65 * MIN) } });

    // One claimed, three still warm for the rest of the booking: nothing to add.
    expect(await reconcilePool(at(66 * MIN), teamId, 100)).toMatchObject({ warmUpExtra: 3, created: [], removed: [] });
    expect((await getWarmUp(teacherA, { id: view.id }, new Date(NOW.getTime() + 66 * MIN))).state).toMatchObject({ kind: "in-class", claimed: 1 });
    await db().warmUp.updateMany({ data: { cancelledAt: NOW } });
  });

  it("learns the lead time from how long members took to become Available", async () => {
    await db().warmUp.updateMany({ data: { cancelledAt: NOW } });
    // Every member so far took 10 minutes: lead = 15 minutes.
    await db().instance.updateMany({ where: { templateId: poolId }, data: { createdAt: new Date(NOW.getTime() - 20 * MIN), readyAt: new Date(NOW.getTime() - 10 * MIN) } });
    const view = await bookWarmUp(teacherA, { slug: "net-1a", booking: booking({ size: 4 }) }, NOW);
    expect(view.leadSeconds).toBe(15 * 60);
    const pass = await reconcilePool(testContext({ now: () => NOW }), poolId, 100);
    expect(pass.nextChangeAt?.toISOString()).toBe("2027-01-10T12:45:00.000Z");
  });
});
