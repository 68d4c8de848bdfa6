import { describe, expect, it } from "vitest";
import { SYSTEM_IDENTITY, type Identity } from "@/lib/domain/identity";
import { verifyLocalCredentials } from "@/lib/services/accounts/internal/sign-in";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import { listCatalog } from "@/lib/services/catalog/list-catalog";
import { getClass } from "@/lib/services/classes/get-class";
import { listMembers } from "@/lib/services/classes/list-members";
import { checkHealth } from "@/lib/services/health/check-health";
import { getAdminOverview } from "@/lib/services/staff/get-admin-overview";
import { getTeachOverview } from "@/lib/services/staff/get-teach-overview";
import { memberClassIds } from "@/lib/db/classes";
import { DEMO_TEMPLATES, seedDemo } from "@/lib/services/system/seed-demo";
import { invalidateTemplateCache } from "@/lib/db/templates";
import { setupTestDatabase } from "../support/database";
import { catalogNames } from "../support/launch";

const database = setupTestDatabase();

async function as(role: "student" | "teacher" | "admin"): Promise<Identity> {
  return upsertLocalUser(SYSTEM_IDENTITY, { username: `${role}-x`, password: "pw-123456", roles: [role] });
}

describe("demo seed", () => {
  it("creates one account per role with working random passwords, and the demo templates at version 1", async () => {
    const accounts = await seedDemo();
    expect(accounts.map((a) => a.role)).toEqual(["admin", "teacher", "student"]);
    for (const account of accounts) {
      expect(account.password.length).toBeGreaterThanOrEqual(16);
      const identity = await verifyLocalCredentials({ username: account.username, password: account.password });
      expect(identity?.roles.at(-1)).toBe(account.role);
    }
    expect(new Set(accounts.map((a) => a.password)).size).toBe(3);
    const versions = await database.db().templateVersion.findMany({ include: { template: true } });
    expect(versions.map((v) => v.template.name).sort()).toEqual(DEMO_TEMPLATES.map((t) => t.name).sort());
    expect(versions.every((v) => v.version === 1 && /^[0-9a-f]{64}$/.test(v.checksum))).toBe(true);
    expect(await database.db().auditEvent.count({ where: { action: "template.create" } })).toBe(DEMO_TEMPLATES.length);
    // The demo class's catalog comes first for the demo student.
    const student = (await verifyLocalCredentials({ username: "student", password: accounts.find((a) => a.role === "student")!.password }))!;
    expect((await listCatalog(student)).catalogs).toMatchObject([{ slug: "class-1a-week-1", entries: [{ name: "webterm" }, { name: "jupyter" }] }]);
    // The demo class: the demo teacher teaches it, the demo student is in it, the demo catalog is for it.
    const teacher = (await verifyLocalCredentials({ username: "teacher", password: accounts.find((a) => a.role === "teacher")!.password }))!;
    const demo = await getClass(teacher, { slug: "demo-class" });
    expect(demo).toMatchObject({ title: "Demo class", joinState: "open", teachers: [{ username: "teacher" }], catalogs: [{ slug: "class-1a-week-1" }] });
    expect((await listMembers(teacher, { slug: "demo-class" })).members.map((m) => m.username)).toContain("student");
    expect(await memberClassIds(student)).toHaveLength(1);
  });
});

describe("catalog", () => {
  it("lists visible, non-base, non-deleted templates grouped by category", async () => {
    await database.db().template.update({ where: { name: "vscode" }, data: { visible: false } });
    await database.db().template.update({ where: { name: "postgresql" }, data: { deletedAt: new Date() } });
    invalidateTemplateCache();
    const catalog = await listCatalog(await as("student"));
    expect(catalogNames(catalog).sort()).toEqual(["jupyter", "webterm"]);
    const learning = catalog.groups.find((g) => g.category === "learning");
    expect(learning).toMatchObject({ label: "Learning", entries: [{ name: "webterm", subcategory: "linux", subcategoryLabel: "Linux", icon: "terminal" }] });
  });

  it("refuses callers without an identity", async () => {
    await expect(listCatalog(null)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("staff pages", () => {
  it("give admins the admin overview and refuse everyone else", async () => {
    const overview = await getAdminOverview(await as("admin"));
    expect(overview.counts.users).toBeGreaterThanOrEqual(1);
    // The demo templates but the one the catalog test deleted.
    expect(overview.counts.templates).toBe(DEMO_TEMPLATES.length - 1);
    expect(overview.invalidTemplates).toBe(0);
    await expect(getAdminOverview(await as("teacher"))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getAdminOverview(await as("student"))).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("give teachers and admins the teaching overview and refuse students", async () => {
    const teacher = await as("teacher");
    await database.db().catalog.create({ data: { slug: "linux-101", title: "Linux 101", ownerId: teacher.userId, audienceGroups: ["class-1a"] } });
    await database.db().catalog.create({ data: { slug: "other", title: "Someone else's" } });
    expect((await getTeachOverview(teacher)).catalogs.map((c) => c.slug)).toEqual(["linux-101"]);
    // Admins see every catalog: these two and the demo seed's.
    expect((await getTeachOverview(await as("admin"))).catalogs.map((c) => c.slug).sort()).toEqual(["class-1a-week-1", "linux-101", "other"]);
    await expect(getTeachOverview(await as("student"))).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("health", () => {
  it("reports the version and a working database", async () => {
    const health = await checkHealth();
    expect(health).toMatchObject({ status: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/), database: { ok: true } });
  });
});
