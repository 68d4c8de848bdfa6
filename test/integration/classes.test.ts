import { beforeAll, describe, expect, it } from "vitest";
import { pruneJoinAttempts, memberClassIds, taughtClassIds } from "@/lib/db/classes";
import { JOIN_CODE_REFUSED, JOIN_FAILURE_LIMIT, MAX_MEMBER_LINES } from "@/lib/domain/classes";
import type { AppError } from "@/lib/domain/errors";
import { SYSTEM_IDENTITY, type Identity } from "@/lib/domain/identity";
import { addMembers } from "@/lib/services/classes/add-members";
import { addTeacher } from "@/lib/services/classes/add-teacher";
import { archiveClass } from "@/lib/services/classes/archive-class";
import { checkJoinCode } from "@/lib/services/classes/check-join-code";
import { createClass } from "@/lib/services/classes/create-class";
import { getClass } from "@/lib/services/classes/get-class";
import { joinClass } from "@/lib/services/classes/join-class";
import { listClasses } from "@/lib/services/classes/list-classes";
import { listMembers } from "@/lib/services/classes/list-members";
import { previewMembers } from "@/lib/services/classes/preview-members";
import { removeMember } from "@/lib/services/classes/remove-member";
import { removeTeacher } from "@/lib/services/classes/remove-teacher";
import { rotateJoinCode } from "@/lib/services/classes/rotate-join-code";
import { setJoinCode } from "@/lib/services/classes/set-join-code";
import { updateClass } from "@/lib/services/classes/update-class";
import { setupTestDatabase } from "@/test/support/database";
import { createUser } from "@/test/support/launch";

/**
 * Classes, rosters and join codes: every use case against the real database, as each kind of caller, with
 * bad input of every sort; a refused call must leave the database exactly as it was.
 */
const database = setupTestDatabase();

type Who = "anonymous" | "student" | "otherStudent" | "teacherA" | "teacherB" | "admin";
const people = {} as Record<Exclude<Who, "anonymous">, Identity>;
const as = (who: Who): Identity | null => (who === "anonymous" ? null : people[who]);

/** Everything a refused call must leave as it was. */
async function snapshot() {
  const client = database.db();
  const [classes, teachers, members, audit, attempts] = await Promise.all([
    client.class.findMany({ orderBy: { slug: "asc" } }),
    client.classTeacher.findMany({ orderBy: [{ classId: "asc" }, { userId: "asc" }] }),
    client.classMember.findMany({ orderBy: [{ classId: "asc" }, { userId: "asc" }] }),
    client.auditEvent.findMany({ orderBy: { id: "asc" } }),
    client.joinAttempt.count(),
  ]);
  return { classes, teachers, members, audit, attempts };
}

async function refusal(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!error) throw new Error("the call was expected to be refused");
  return error as AppError;
}

async function codeOf(slug: string): Promise<string> {
  const found = await database.db().class.findUniqueOrThrow({ where: { slug } });
  return found.joinCode!;
}

beforeAll(async () => {
  people.student = await createUser({ name: "stu" });
  people.otherStudent = await createUser({ name: "stu2", groups: ["class-9z"] });
  people.teacherA = await createUser({ name: "teach-a", roles: ["teacher"] });
  people.teacherB = await createUser({ name: "teach-b", roles: ["teacher"] });
  people.admin = await createUser({ name: "root", roles: ["admin"] });
  await createClass(people.teacherA, { title: "Intro to CS", slug: "cs101", term: "Fall 2026" });
  await createClass(people.teacherB, { title: "Databases", slug: "db201" });
});

describe("creating a class", () => {
  it("makes the caller its teacher, with an open join code, audited without the code", async () => {
    const made = await createClass(people.teacherA, { title: "  Networks ✓ ", slug: "net1" });
    expect(made).toMatchObject({ slug: "net1", title: "Networks ✓", term: "", joinState: "open", archivedAt: null });
    expect(made.joinCode).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}$/);
    expect(made.joinUrl).toMatch(new RegExp(`/join/${made.joinCode}$`));
    const row = await database.db().class.findUniqueOrThrow({ where: { slug: "net1" } });
    expect(await taughtClassIds(people.teacherA.userId)).toContain(row.id);
    const [audit] = await database.db().auditEvent.findMany({ where: { action: "class.create", objectId: row.id } });
    expect(audit).toMatchObject({ actorId: people.teacherA.userId, after: { slug: "net1", title: "Networks ✓", joinCode: "on", teachers: ["teach-a"] } });
    expect(JSON.stringify(audit!.after)).not.toContain(made.joinCode!);
  });

  it("refuses bad fields, a taken short name, students and the anonymous, and changes nothing", async () => {
    const before = await snapshot();
    const cases: [Identity | null, unknown, string, string | null, RegExp][] = [
      [people.teacherA, { title: "X", slug: "cs101" }, "CONFLICT", "slug", /taken/],
      [people.teacherB, { title: "X", slug: "cs101" }, "CONFLICT", "slug", /taken/],
      [people.teacherA, { title: "X", slug: "new" }, "INVALID_INPUT", "slug", /reserved/],
      [people.teacherA, { title: "X", slug: "CS-101" }, "INVALID_INPUT", "slug", /lowercase/],
      [people.teacherA, { title: "X", slug: "'; DROP TABLE classes;--" }, "INVALID_INPUT", "slug", /lowercase/],
      [people.teacherA, { title: "X", slug: "<script>" }, "INVALID_INPUT", "slug", /lowercase/],
      [people.teacherA, { title: "X", slug: "{{x}}" }, "INVALID_INPUT", "slug", /lowercase/],
      [people.teacherA, { title: "X", slug: "a".repeat(41) }, "INVALID_INPUT", "slug", /At most 40/],
      [people.teacherA, { title: "X", slug: "ünï" }, "INVALID_INPUT", "slug", /lowercase/],
      [people.teacherA, { title: "x".repeat(101), slug: "ok-a" }, "INVALID_INPUT", "title", /At most 100/],
      [people.teacherA, { title: "", slug: "ok-a" }, "INVALID_INPUT", "title", /Enter a title/],
      [people.teacherA, { slug: "ok-a" }, "INVALID_INPUT", "title", /Required/],
      [people.teacherA, { title: ["X"], slug: "ok-a" }, "INVALID_INPUT", "title", /Enter a title/],
      [people.teacherA, { title: "X", slug: 42 }, "INVALID_INPUT", "slug", /short name/],
      [people.teacherA, { title: "X", slug: "ok-a", term: "t".repeat(51) }, "INVALID_INPUT", "term", /At most 50/],
      [people.teacherA, { title: "a\u0000b", slug: "ok-a" }, "INVALID_INPUT", "title", /NUL/],
      [people.teacherA, { title: "X", slug: "ok-a", archivedAt: null }, "INVALID_INPUT", "archivedAt", /not a field/],
      [people.teacherA, null, "INVALID_INPUT", "body", /.+/],
      [people.student, { title: "X", slug: "ok-a" }, "FORBIDDEN", null, /permission/],
      [null, { title: "X", slug: "ok-a" }, "UNAUTHENTICATED", null, /sign in/],
      [SYSTEM_IDENTITY, { title: "X", slug: "ok-a" }, "FORBIDDEN", null, /teacher/],
    ];
    for (const [who, input, code, field, message] of cases) {
      const error = await refusal(createClass(who, input));
      expect(error.code, JSON.stringify(input)).toBe(code);
      if (field) expect(error.fields?.[field]?.join(" ") ?? error.message, JSON.stringify(input)).toMatch(message);
      else expect(error.message).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("lets only one of two teachers take a short name at once", async () => {
    const results = await Promise.allSettled([
      createClass(people.teacherA, { title: "Race A", slug: "race" }),
      createClass(people.teacherB, { title: "Race B", slug: "race" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
  });
});

describe("class-scoped rights", () => {
  const everyone: Who[] = ["anonymous", "student", "otherStudent", "teacherA", "teacherB", "admin"];
  /** What each caller gets from a use case on teacher A's class: "ok" or the error code. */
  const expected: Record<Who, string> = { anonymous: "UNAUTHENTICATED", student: "FORBIDDEN", otherStudent: "FORBIDDEN", teacherA: "ok", teacherB: "NOT_FOUND", admin: "ok" };

  const useCases: [string, (who: Identity | null) => Promise<unknown>][] = [
    ["getClass", (who) => getClass(who, { slug: "cs101" })],
    ["listMembers", (who) => listMembers(who, { slug: "cs101" })],
    ["updateClass", (who) => updateClass(who, { slug: "cs101", fields: { term: "Fall 2026" } })],
    ["archiveClass", (who) => archiveClass(who, { slug: "cs101", archived: false })],
    ["previewMembers", (who) => previewMembers(who, { slug: "cs101", names: "stu" })],
    ["setJoinCode", (who) => setJoinCode(who, { slug: "cs101", enabled: true })],
    ["addTeacher", (who) => addTeacher(who, { slug: "cs101", username: "teach-a" })],
  ];

  for (const [name, call] of useCases) {
    it(`${name}: the class's teachers and admins, nobody else; refusals change nothing`, async () => {
      for (const who of everyone) {
        const before = await snapshot();
        const outcome = await call(as(who)).then(
          () => "ok",
          (e: AppError) => e.code ?? String(e),
        );
        expect(outcome, `${name} as ${who}`).toBe(expected[who]);
        if (outcome !== "ok") expect(await snapshot(), `${name} as ${who}`).toEqual(before);
      }
    });
  }

  it("changes that succeed for A or an admin are refused to B, unknown short names read the same as others' classes", async () => {
    const before = await snapshot();
    const asB: Promise<unknown>[] = [
      addMembers(people.teacherB, { slug: "cs101", names: "stu" }),
      removeMember(people.teacherB, { slug: "cs101", username: "stu" }),
      removeTeacher(people.teacherB, { slug: "cs101", username: "teach-a" }),
      rotateJoinCode(people.teacherB, { slug: "cs101" }),
      archiveClass(people.teacherB, { slug: "cs101", archived: true }),
      updateClass(people.teacherB, { slug: "cs101", fields: { title: "Mine now" } }),
      getClass(people.teacherB, { slug: "no-such-class" }),
      getClass(people.teacherB, { slug: "x".repeat(500) }),
      getClass(people.teacherB, { slug: ["cs101"] }),
    ];
    const errors = await Promise.all(asB.map(refusal));
    for (const error of errors) expect(error).toMatchObject({ code: "NOT_FOUND", message: "No such class." });
    for (const call of [addMembers(people.student, { slug: "cs101", names: "stu" }), rotateJoinCode(people.otherStudent, { slug: "cs101" })]) {
      expect(await refusal(call)).toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await refusal(rotateJoinCode(null, { slug: "cs101" }))).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await snapshot()).toEqual(before);
  });

  it("lists a teacher's own classes, an admin's all, a student's none", async () => {
    expect((await listClasses(people.teacherA)).map((c) => c.slug)).not.toContain("db201");
    expect((await listClasses(people.teacherA)).map((c) => c.slug)).toContain("cs101");
    expect((await listClasses(people.teacherB)).map((c) => c.slug)).toContain("db201");
    expect((await listClasses(people.teacherB)).map((c) => c.slug)).not.toContain("cs101");
    expect((await listClasses(people.admin)).map((c) => c.slug)).toEqual(expect.arrayContaining(["cs101", "db201"]));
    expect(await refusal(listClasses(people.student))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(listClasses(null))).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("editing, archiving and co-teachers", () => {
  it("updates title, term and groups with a before/after audit, and nothing when nothing changes", async () => {
    const changed = await updateClass(people.teacherA, { slug: "net1", fields: { title: "Networks II", term: "Spring", groups: ["class-9z"] } });
    expect(changed).toMatchObject({ changed: true, class: { title: "Networks II", term: "Spring", groups: ["class-9z"] } });
    const again = await updateClass(people.teacherA, { slug: "net1", fields: { title: "Networks II" } });
    expect(again.changed).toBe(false);
    const audits = await database.db().auditEvent.findMany({ where: { action: "class.update" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ before: { title: "Networks ✓", term: "" }, after: { title: "Networks II", groups: ["class-9z"] } });
    // A bound group's members are members, shown as such.
    const roster = await listMembers(people.teacherA, { slug: "net1" });
    expect(roster.members).toEqual([expect.objectContaining({ username: "stu2", via: "group", joinedAt: null, viaGroups: ["class-9z"] })]);
    expect((await listClasses(people.teacherA)).find((c) => c.slug === "net1")).toMatchObject({ members: 1 });
  });

  it("refuses bad changes and changes nothing", async () => {
    const before = await snapshot();
    for (const fields of [{ title: "" }, { title: "x".repeat(101) }, { term: 5 }, { groups: ["<script>"] }, { groups: "class-1a" }, { slug: "renamed" }, { title: "ok\u0000" }]) {
      expect(await refusal(updateClass(people.teacherA, { slug: "net1", fields })), JSON.stringify(fields)).toMatchObject({ code: "INVALID_INPUT" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("archives (hiding the class from its members' classes, ending nothing) and brings it back", async () => {
    const row = await database.db().class.findUniqueOrThrow({ where: { slug: "net1" } });
    expect(await memberClassIds({ userId: people.otherStudent.userId, groups: ["class-9z"] })).toContain(row.id);
    expect(await archiveClass(people.teacherA, { slug: "net1", archived: true })).toMatchObject({ changed: true, class: { archivedAt: expect.any(Date) } });
    expect(await memberClassIds({ userId: people.otherStudent.userId, groups: ["class-9z"] })).not.toContain(row.id);
    expect((await listMembers(people.teacherA, { slug: "net1" })).members).toHaveLength(1);
    expect((await archiveClass(people.teacherA, { slug: "net1", archived: true })).changed).toBe(false);
    await archiveClass(people.teacherA, { slug: "net1", archived: false });
    expect(await memberClassIds({ userId: people.otherStudent.userId, groups: ["class-9z"] })).toContain(row.id);
    const actions = (await database.db().auditEvent.findMany({ where: { objectId: row.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions.filter((a) => a.startsWith("class.") && a.endsWith("archive"))).toEqual(["class.archive", "class.unarchive"]);
  });

  it("adds a co-teacher who holds the teacher role, refuses anyone else, and always keeps one teacher", async () => {
    const before = await snapshot();
    expect(await refusal(addTeacher(people.teacherA, { slug: "net1", username: "stu" }))).toMatchObject({ code: "INVALID_INPUT", fields: { username: [expect.stringMatching(/not a teacher/)] } });
    expect(await refusal(addTeacher(people.teacherA, { slug: "net1", username: "nobody-here" }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await refusal(addTeacher(people.teacherA, { slug: "net1", username: "<script>" }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await refusal(addTeacher(people.teacherA, { slug: "net1", username: "x".repeat(101) }))).toMatchObject({ code: "INVALID_INPUT" });
    expect(await refusal(addTeacher(people.teacherA, { slug: "net1" }))).toMatchObject({ code: "INVALID_INPUT" });
    expect(await refusal(removeTeacher(people.teacherA, { slug: "net1", username: "teach-a" }))).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/at least one teacher/) });
    expect(await refusal(removeTeacher(people.teacherA, { slug: "net1", username: "teach-b" }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshot()).toEqual(before);

    expect(await addTeacher(people.teacherA, { slug: "net1", username: " Teach-B " })).toEqual({ changed: true, username: "teach-b" });
    expect((await addTeacher(people.teacherA, { slug: "net1", username: "teach-b" })).changed).toBe(false);
    expect((await getClass(people.teacherB, { slug: "net1" })).teachers.map((t) => t.username)).toEqual(["teach-a", "teach-b"]);
    // Two teachers removing each other at once: one of them stays.
    const results = await Promise.allSettled([
      removeTeacher(people.teacherA, { slug: "net1", username: "teach-b" }),
      removeTeacher(people.teacherB, { slug: "net1", username: "teach-a" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await database.db().classTeacher.count({ where: { class: { slug: "net1" } } })).toBe(1);
    // Whichever stayed, A teaches it again for the tests that follow.
    await addTeacher(people.admin, { slug: "net1", username: "teach-a" });
  });
});

describe("the roster", () => {
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await createUser({ name: `roster-${i}` });
    await createUser({ name: "roster-teacher", roles: ["teacher"] });
  });

  it("previews a pasted list without writing, then adds, reporting each name", async () => {
    const before = await snapshot();
    const list = "roster-0\nRoster-1, roster-0 ; ghost\n\n<script>alert(1)</script>\n'; DROP TABLE users\nroster-2";
    const preview = await previewMembers(people.teacherA, { slug: "cs101", names: list });
    expect(preview.rows.map((r) => [r.line, r.text, r.outcome])).toEqual([
      [1, "roster-0", "added"],
      [2, "Roster-1", "added"],
      [2, "roster-0", "duplicate"],
      [2, "ghost", "unknown-user"],
      [4, "<script>alert(1)</script>", "invalid"],
      [5, "'", "invalid"],
      [5, "DROP TABLE users", "invalid"],
      [6, "roster-2", "added"],
    ]);
    expect(preview.counts).toEqual({ added: 3, "already-member": 0, "unknown-user": 1, duplicate: 1, invalid: 3 });
    expect(await snapshot()).toEqual(before);

    const added = await addMembers(people.teacherA, { slug: "cs101", names: list });
    expect(added.counts.added).toBe(3);
    const again = await addMembers(people.teacherA, { slug: "cs101", names: ["roster-0", "roster-1"] });
    expect(again.counts).toMatchObject({ added: 0, "already-member": 2 });
    const roster = await listMembers(people.teacherA, { slug: "cs101" });
    expect(roster.members.map((m) => [m.username, m.via])).toEqual([
      ["roster-0", "teacher"],
      ["roster-1", "teacher"],
      ["roster-2", "teacher"],
    ]);
    const audits = await database.db().auditEvent.findMany({ where: { action: "class.member.add" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]!.after).toMatchObject({ slug: "cs101", added: ["roster-0", "roster-1", "roster-2"], count: 3 });
  });

  it(`takes ${MAX_MEMBER_LINES} names and refuses ${MAX_MEMBER_LINES + 1} as a whole, with nothing written`, async () => {
    const names = Array.from({ length: MAX_MEMBER_LINES }, (_, i) => `nobody-${i}`);
    const report = await previewMembers(people.teacherA, { slug: "cs101", names: names.join("\n") });
    expect(report.counts["unknown-user"]).toBe(MAX_MEMBER_LINES);
    const before = await snapshot();
    const error = await refusal(addMembers(people.teacherA, { slug: "cs101", names: [...names, "roster-0"].join("\n") }));
    expect(error).toMatchObject({ code: "INVALID_INPUT", fields: { names: [expect.stringMatching(/more than 10,000 names/)] } });
    expect(await refusal(addMembers(people.teacherA, { slug: "cs101", names: [...names, "roster-0"] }))).toMatchObject({ code: "INVALID_INPUT" });
    for (const bad of ["", " \n , ", 42, null, [1, 2], { a: 1 }, "a\u0000b"]) {
      expect(await refusal(addMembers(people.teacherA, { slug: "cs101", names: bad })), JSON.stringify(bad)).toMatchObject({ code: "INVALID_INPUT" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("removes a member who joined or was added, never a group member one by one", async () => {
    const before = await snapshot();
    expect(await refusal(removeMember(people.teacherA, { slug: "net1", username: "stu2" }))).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/group class-9z/) });
    expect(await refusal(removeMember(people.teacherA, { slug: "cs101", username: "stu" }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await refusal(removeMember(people.teacherA, { slug: "cs101", username: "ghost" }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshot()).toEqual(before);
    expect(await removeMember(people.teacherA, { slug: "cs101", username: "roster-2" })).toEqual({ username: "roster-2", stillThroughGroups: [] });
    expect((await listMembers(people.teacherA, { slug: "cs101" })).members.map((m) => m.username)).toEqual(["roster-0", "roster-1"]);
    const [audit] = await database.db().auditEvent.findMany({ where: { action: "class.member.remove" } });
    expect(audit).toMatchObject({ before: { slug: "cs101", member: "roster-2", via: "teacher" } });
  });
});

describe("joining with a code", () => {
  it("shows the class, joins on request, and says so when joining twice", async () => {
    const code = await codeOf("cs101");
    expect(await checkJoinCode(people.student, { code: code.toLowerCase() })).toEqual({ slug: "cs101", title: "Intro to CS", status: "open" });
    expect(await database.db().classMember.count({ where: { userId: people.student.userId } })).toBe(0);
    expect(await joinClass(people.student, { code })).toEqual({ slug: "cs101", title: "Intro to CS", status: "joined" });
    const before = await snapshot();
    expect(await joinClass(people.student, { code: `${code.slice(0, 4)}-${code.slice(4)}` })).toMatchObject({ status: "already" });
    expect(await checkJoinCode(people.student, { code })).toMatchObject({ status: "already" });
    expect(await snapshot()).toEqual(before);
    const roster = await listMembers(people.teacherA, { slug: "cs101" });
    expect(roster.members.find((m) => m.username === "stu")).toMatchObject({ via: "link", joinedAt: expect.any(Date) });
    const [audit] = await database.db().auditEvent.findMany({ where: { action: "class.join" } });
    expect(audit).toMatchObject({ actorId: people.student.userId, after: { slug: "cs101", member: "stu", via: "link" } });
  });

  it("a member through a bound group is in already", async () => {
    expect(await joinClass(people.otherStudent, { code: await codeOf("net1") })).toMatchObject({ status: "already" });
  });

  it("refuses rotated, expired, turned-off, archived, guessed and malformed codes with one message, recording each", async () => {
    const joiner = await createUser({ name: "joiner" });
    const old = await codeOf("db201");
    const rotated = await rotateJoinCode(people.teacherB, { slug: "db201" });
    expect(rotated.joinCode).not.toBe(old);
    const before = await snapshot();
    const tries: unknown[] = [old, "ABCDEFGH", "abc", "", 42, undefined, "<script>", "'; DROP TABLE classes;--", "{{ code }}", "ABCD\u0000EFGH"];
    for (const code of tries) {
      const error = await refusal(joinClass(joiner, { code }));
      expect(error, JSON.stringify(code)).toMatchObject({ code: "NOT_FOUND", message: JOIN_CODE_REFUSED });
    }
    const after = await snapshot();
    expect(after.attempts - before.attempts).toBe(tries.length);
    expect({ ...after, attempts: 0 }).toEqual({ ...before, attempts: 0 });
    await database.db().joinAttempt.deleteMany({ where: { userId: joiner.userId } });

    // Expired: a code whose time has passed (set in the database, as time passing would).
    await database.db().class.update({ where: { slug: "db201" }, data: { joinCodeExpiresAt: new Date(Date.now() - 1000) } });
    expect(await refusal(joinClass(joiner, { code: rotated.joinCode }))).toMatchObject({ message: JOIN_CODE_REFUSED });
    await database.db().class.update({ where: { slug: "db201" }, data: { joinCodeExpiresAt: null } });
    // Archived.
    await archiveClass(people.teacherB, { slug: "db201", archived: true });
    expect(await refusal(joinClass(joiner, { code: rotated.joinCode }))).toMatchObject({ message: JOIN_CODE_REFUSED });
    await archiveClass(people.teacherB, { slug: "db201", archived: false });
    // Turned off, then on again: a new code, the old one dead.
    const off = await setJoinCode(people.teacherB, { slug: "db201", enabled: false });
    expect(off.class).toMatchObject({ joinCode: null, joinState: "off" });
    expect(await refusal(joinClass(joiner, { code: rotated.joinCode }))).toMatchObject({ message: JOIN_CODE_REFUSED });
    const on = await setJoinCode(people.teacherB, { slug: "db201", enabled: true, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(on.class.joinCode).not.toBe(rotated.joinCode);
    expect(on.class.joinState).toBe("open");
    expect(await joinClass(joiner, { code: on.class.joinCode })).toMatchObject({ status: "joined", slug: "db201" });
    await database.db().joinAttempt.deleteMany({ where: { userId: joiner.userId } });
  });

  it("refuses bad expiry settings and changes nothing", async () => {
    const before = await snapshot();
    for (const input of [
      { enabled: true, expiresAt: new Date(Date.now() - 60_000).toISOString() },
      { enabled: true, expiresAt: new Date(Date.now() + 500 * 86_400_000).toISOString() },
      { enabled: true, expiresAt: "tomorrow" },
      { enabled: true, expiresAt: 1234 },
      { enabled: "yes" },
      {},
      { enabled: true, code: "AAAAAAAA" },
    ]) {
      expect(await refusal(setJoinCode(people.teacherB, { slug: "db201", ...input })), JSON.stringify(input)).toMatchObject({ code: "INVALID_INPUT" });
    }
    expect(await snapshot()).toEqual(before);
  });

  it(`makes a user wait after ${JOIN_FAILURE_LIMIT} wrong codes, even sent at once; right codes never count, others are not held up`, async () => {
    const guesser = await createUser({ name: "guesser" });
    const code = await codeOf("cs101");
    // Successes do not count.
    for (let i = 0; i < 3; i++) await joinClass(guesser, { code });
    const guesses = await Promise.allSettled(Array.from({ length: JOIN_FAILURE_LIMIT + 5 }, (_, i) => joinClass(guesser, { code: `ZZZZZZ${"ABCDEFGHJKMNPQ"[i]}A` })));
    const codes = guesses.map((g) => (g as PromiseRejectedResult).reason.code as string);
    expect(codes.filter((c) => c === "NOT_FOUND")).toHaveLength(JOIN_FAILURE_LIMIT);
    expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(5);
    expect(await database.db().joinAttempt.count({ where: { userId: guesser.userId } })).toBe(JOIN_FAILURE_LIMIT);
    // Now even the right code waits, and says how long.
    const waiting = await refusal(joinClass(guesser, { code }));
    expect(waiting).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/Wait 1[45] minutes/) });
    expect(await refusal(checkJoinCode(guesser, { code }))).toMatchObject({ code: "RATE_LIMITED" });
    // Someone else is not held up.
    expect(await checkJoinCode(people.admin, { code })).toMatchObject({ status: "open" });
    // Once the failures are older than the window (pruned as the worker does), the user may try again.
    await database.db().joinAttempt.updateMany({ where: { userId: guesser.userId }, data: { at: new Date(Date.now() - 16 * 60_000) } });
    expect(await joinClass(guesser, { code })).toMatchObject({ status: "already" });
    expect(await pruneJoinAttempts(new Date(Date.now() - 15 * 60_000), 100)).toBeGreaterThanOrEqual(JOIN_FAILURE_LIMIT);
  });

  it("anonymous callers cannot join", async () => {
    expect(await refusal(joinClass(null, { code: await codeOf("cs101") }))).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("rotating a code kills the old one at once, audited without either code", async () => {
    const old = await codeOf("cs101");
    const next = await rotateJoinCode(people.admin, { slug: "cs101" });
    const late = await createUser({ name: "late" });
    expect(await refusal(joinClass(late, { code: old }))).toMatchObject({ message: JOIN_CODE_REFUSED });
    expect(await joinClass(late, { code: next.joinCode })).toMatchObject({ status: "joined" });
    const audits = await database.db().auditEvent.findMany({ where: { action: "class.join-code.rotate" } });
    expect(audits.length).toBeGreaterThanOrEqual(2);
    for (const audit of audits) expect(JSON.stringify([audit.before, audit.after])).not.toMatch(new RegExp(`${old}|${next.joinCode}`));
  });
});
