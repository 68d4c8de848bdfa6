import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionState } from "@/lib/auth/actions";
import { JOIN_CODE_REFUSED } from "@/lib/domain/classes";
import type { Identity } from "@/lib/domain/identity";
import { setupTestDatabase } from "@/test/support/database";
import { createUser } from "@/test/support/launch";

/**
 * The class pages' server actions and the join page's, called as a POST from anywhere could call them: the
 * form fields as text, whoever the session says is signed in. The one stand-in is the next-auth session.
 */
const session = vi.hoisted(() => ({ identity: null as Identity | null }));
vi.mock("@/lib/auth/session", () => ({ getIdentity: async () => session.identity }));
// Revalidating needs Next's request scope; what the pages show is checked in the end-to-end journey.
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const actions = await import("@/app/(staff)/teach/classes/actions");
const { joinClassAction } = await import("@/app/(student)/join/[code]/actions");

const database = setupTestDatabase();

type AnyAction = (state: never, data: FormData) => Promise<ActionState<unknown>>;
function call(as: Identity | null, action: AnyAction, fields: Record<string, string>) {
  session.identity = as;
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return action({ ok: false } as never, data);
}

async function snapshot() {
  const client = database.db();
  const [classes, teachers, members, audit] = await Promise.all([
    client.class.findMany({ orderBy: { slug: "asc" } }),
    client.classTeacher.findMany({ orderBy: [{ classId: "asc" }, { userId: "asc" }] }),
    client.classMember.findMany({ orderBy: [{ classId: "asc" }, { userId: "asc" }] }),
    client.auditEvent.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { classes, teachers, members, audit };
}

const people = {} as Record<"student" | "teacherA" | "teacherB", Identity>;

beforeAll(async () => {
  people.student = await createUser({ name: "act-student" });
  people.teacherA = await createUser({ name: "act-a", roles: ["teacher"] });
  people.teacherB = await createUser({ name: "act-b", roles: ["teacher"] });
  expect(await call(people.teacherA, actions.createClassAction, { title: "Intro", slug: "intro", term: "" })).toEqual({ ok: true, result: { slug: "intro" } });
});

describe("the class forms", () => {
  it("answer bad fields beside the field and change nothing", async () => {
    const before = await snapshot();
    const cases: [AnyAction, Record<string, string>, string, RegExp][] = [
      [actions.createClassAction, { title: "X", slug: "intro", term: "" }, "slug", /taken/],
      [actions.createClassAction, { title: "X", slug: "<script>", term: "" }, "slug", /lowercase/],
      [actions.createClassAction, { title: "X", slug: "'; DROP TABLE classes;--", term: "" }, "slug", /lowercase/],
      [actions.createClassAction, { title: "{{ title }}".repeat(10), slug: "ok", term: "" }, "title", /At most 100/],
      [actions.createClassAction, { title: "", slug: "ok", term: "" }, "title", /Enter a title/],
      [actions.createClassAction, { title: "X", slug: "ok", term: "x".repeat(51) }, "term", /At most 50/],
      [actions.createClassAction, { title: "a\u0000b", slug: "ok", term: "" }, "title", /NUL/],
      [actions.createClassAction, { title: "X", slug: "ok" }, "term", /.+/],
      [actions.updateClassAction, { slug: "intro", title: "", term: "", groups: "" }, "title", /Enter a title/],
      [actions.updateClassAction, { slug: "intro", title: "X", term: "", groups: "<script>" }, "groups", /not a group name/],
      [actions.addTeacherAction, { slug: "intro", username: "act-student" }, "username", /not a teacher/],
      [actions.setJoinCodeAction, { slug: "intro", enabled: "true", expiresAt: "2001-01-01T00:00:00Z" }, "expiresAt", /future/],
      [actions.setJoinCodeAction, { slug: "intro", enabled: "true", expiresAt: "soon" }, "expiresAt", /date and time/],
      [actions.setJoinCodeAction, { slug: "intro", enabled: "maybe", expiresAt: "" }, "enabled", /.+/],
      [actions.previewMembersAction, { slug: "intro", names: Array.from({ length: 10_001 }, (_, i) => `u${i}`).join("\n") }, "names", /more than 10,000/],
      [actions.addMembersAction, { slug: "intro", names: "  \n ,, " }, "names", /at least one/],
    ];
    for (const [action, fields, field, message] of cases) {
      const state = await call(people.teacherA, action, fields);
      expect(state.ok, JSON.stringify(fields).slice(0, 200)).toBe(false);
      expect(state.fieldErrors?.[field]?.join(" ") ?? `no error at ${field}: ${JSON.stringify(state)}`, JSON.stringify(fields).slice(0, 200)).toMatch(message);
    }
    expect(await call(people.teacherA, actions.removeTeacherAction, { slug: "intro", username: "act-a" })).toMatchObject({ ok: false, message: expect.stringMatching(/at least one teacher/) });
    expect(await snapshot()).toEqual(before);
  });

  it("refuse another teacher, a student and a signed-out visitor, changing nothing", async () => {
    const before = await snapshot();
    const changes: [AnyAction, Record<string, string>][] = [
      [actions.updateClassAction, { slug: "intro", title: "Mine", term: "", groups: "" }],
      [actions.archiveClassAction, { slug: "intro", archived: "true" }],
      [actions.addTeacherAction, { slug: "intro", username: "act-b" }],
      [actions.removeTeacherAction, { slug: "intro", username: "act-a" }],
      [actions.addMembersAction, { slug: "intro", names: "act-student" }],
      [actions.removeMemberAction, { slug: "intro", username: "act-student" }],
      [actions.rotateJoinCodeAction, { slug: "intro" }],
      [actions.setJoinCodeAction, { slug: "intro", enabled: "false", expiresAt: "" }],
    ];
    for (const [action, fields] of changes) {
      expect(await call(people.teacherB, action, fields)).toMatchObject({ ok: false, message: "No such class." });
      expect(await call(people.student, action, fields)).toMatchObject({ ok: false, message: "You do not have permission to do that." });
      expect(await call(null, action, fields)).toMatchObject({ ok: false, message: expect.stringMatching(/sign in again/) });
    }
    expect(await call(people.student, actions.createClassAction, { title: "X", slug: "stu", term: "" })).toMatchObject({ ok: false });
    expect(await snapshot()).toEqual(before);
  });

  it("add members after a dry run that writes nothing", async () => {
    const before = await snapshot();
    const preview = await call(people.teacherA, actions.previewMembersAction, { slug: "intro", names: "act-student\nghost" });
    expect(preview).toMatchObject({ ok: true, result: { counts: { added: 1, "unknown-user": 1 } } });
    expect(await snapshot()).toEqual(before);
    expect(await call(people.teacherA, actions.addMembersAction, { slug: "intro", names: "act-student\nghost" })).toMatchObject({ ok: true, result: { counts: { added: 1 } } });
    expect(await database.db().classMember.count()).toBe(1);
  });
});

describe("the join button", () => {
  it("joins with the code, says so the second time, and refuses what does not work with one message", async () => {
    const joiner = await createUser({ name: "act-joiner" });
    const { joinCode } = await database.db().class.findUniqueOrThrow({ where: { slug: "intro" } });
    expect(await call(joiner, joinClassAction, { code: joinCode!.toLowerCase() })).toEqual({ ok: true, result: { slug: "intro", title: "Intro", status: "joined" } });
    expect(await call(joiner, joinClassAction, { code: joinCode! })).toMatchObject({ ok: true, result: { status: "already" } });
    const before = await snapshot();
    for (const code of ["ZZZZZZZZ", "", "<script>", "'; DROP TABLE classes;--", "{{ code }}", "x".repeat(100)]) {
      expect(await call(joiner, joinClassAction, { code })).toEqual({ ok: false, message: JOIN_CODE_REFUSED, fieldErrors: { code: [JOIN_CODE_REFUSED] } });
    }
    expect(await call(joiner, joinClassAction, { code: "x".repeat(101) })).toMatchObject({ ok: false, fieldErrors: { code: expect.any(Array) } });
    expect(await call(joiner, joinClassAction, { code: "AB\u0000CD" })).toMatchObject({ ok: false, message: expect.stringMatching(/NUL/) });
    expect(await call(null, joinClassAction, { code: joinCode! })).toMatchObject({ ok: false, message: expect.stringMatching(/sign in again/) });
    expect(await snapshot()).toEqual(before);
  });
});
