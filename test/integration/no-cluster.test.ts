import { beforeAll, describe, expect, it } from "vitest";
import { reconcileInstance } from "@/lib/controllers/instances";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { LAUNCHING_UNAVAILABLE } from "@/lib/domain/problems";
import { listCatalog } from "@/lib/services/catalog/list-catalog";
import { getLaunchAvailability } from "@/lib/services/instances/internal/launch-availability";
import { launchInstance } from "@/lib/services/instances/launch";
import { getLaunchPage } from "@/lib/services/instances/launch-page";
import { getPoolState } from "@/lib/services/pools/get-pool-state";
import { recyclePool } from "@/lib/services/pools/recycle-pool";
import { setupTestDatabase } from "@/test/support/database";
import { createLaunchTemplate, createUser, insertAvailableMembers } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * A portal without a cluster (docs/architecture.md, "Engine selection"): it still serves the launch page, says plainly
 * why launching is impossible, and refuses a launch without writing anything. Students are told what they can
 * do; staff the cause and the fix. The configuration is read once per test file, so this file sets it before
 * anything reads it.
 */
process.env.ENVDECK_ENGINE = "none";
setupTestDatabase();

const OPERATOR_REASON = /^Launching needs a Kubernetes cluster, and none is configured: set KUBECONFIG/;

describe("without a cluster", () => {
  let student: Identity;
  let teacher: Identity;
  let admin: Identity;
  beforeAll(async () => {
    student = await createUser({ name: "nocluster" });
    teacher = await createUser({ name: "nocluster-teacher", roles: ["teacher"] });
    admin = await createUser({ name: "nocluster-admin", roles: ["admin"] });
    await createLaunchTemplate("lonely", { spec: { parameters: { type: "object", properties: { size: { type: "integer" } } } } });
  });

  it("tells a student on the launch page and the catalog what they can do, and still shows the form's schema", async () => {
    expect(getLaunchAvailability(student)).toEqual({ available: false, reason: LAUNCHING_UNAVAILABLE });
    const page = await getLaunchPage(student, { name: "lonely" });
    expect(page.unavailable).toBe("Launching is unavailable right now. Try again later or ask your teacher.");
    expect(page.parameters).toMatchObject({ properties: { size: { type: "integer" } } });
    expect((await listCatalog(student)).launching).toEqual({ available: false, reason: LAUNCHING_UNAVAILABLE });
  });

  it("tells teachers and admins the cause and the fix", async () => {
    for (const staff of [teacher, admin]) {
      expect((await getLaunchPage(staff, { name: "lonely" })).unavailable).toMatch(OPERATOR_REASON);
      expect((await listCatalog(staff)).launching.reason).toMatch(OPERATOR_REASON);
    }
  });

  it("refuses a launch with the reason for the caller and writes nothing", async () => {
    await expect(launchInstance(student, { template: "lonely", params: { size: 1 } })).rejects.toMatchObject({ code: "UNAVAILABLE", message: LAUNCHING_UNAVAILABLE });
    await expect(launchInstance(admin, { template: "lonely", params: { size: 1 } })).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(OPERATOR_REASON) });
    expect(await db().instance.count()).toBe(0);
  });

  it("shows an admin that the pool is left as it is, and refuses to recycle members nothing could tear down or replace", async () => {
    const pool = await createLaunchTemplate("lonely-pool", { method: "pool", poolSize: 2 });
    await insertAvailableMembers(pool.id, 1);
    expect((await getPoolState(admin, { name: "lonely-pool" })).paused).toMatch(/^The worker changes no member while there is no cluster: Launching needs a Kubernetes cluster/);
    const before = await db().instance.findMany({ where: { templateId: pool.id } });
    await expect(recyclePool(admin, { name: "lonely-pool", scope: "all" })).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/^Members cannot be recycled without a cluster: /) });
    expect(await db().instance.findMany({ where: { templateId: pool.id } })).toEqual(before);
  });

  it("ends what never reached a cluster, at its expiry or once released, and leaves what is in one for the cluster's return", async () => {
    const template = await createLaunchTemplate("lonely-ends");
    const version = await db().templateVersion.findFirstOrThrow({ where: { templateId: template.id } });
    const past = new Date(Date.now() - 60_000);
    const row = (uuid: string, data: { phase: "Failed" | "Expiring" | "Ready"; expiresAt: Date; namespace?: string }) =>
      db().instance.create({ data: { uuid, templateId: template.id, templateVersionId: version.id, ownerKey: "nocluster", ...data } });
    await row("e1000001", { phase: "Failed", expiresAt: past });
    await row("e1000002", { phase: "Expiring", expiresAt: new Date(Date.now() + 3600_000) });
    await row("e1000003", { phase: "Ready", expiresAt: past, namespace: "nocluster-lonely-ends-e1000003" });
    const ctx = testContext({ engine: null, noEngineReason: "no cluster in this test", installationId: "nocluster" });
    for (const uuid of ["e1000001", "e1000002", "e1000003"]) {
      // As the worker does: again while it asks to look again at once.
      while ((await reconcileInstance(ctx, uuid)) === 0);
    }
    const rows = await db().instance.findMany({ where: { templateId: template.id }, orderBy: { uuid: "asc" } });
    expect(rows.map((r) => [r.uuid, r.phase, r.deletedAt !== null])).toEqual([
      ["e1000001", "Expiring", true],
      ["e1000002", "Expiring", true],
      ["e1000003", "Ready", false],
    ]);
    const audits = await db().auditEvent.findMany({ where: { action: "instance.release", objectId: { in: ["e1000001", "e1000002", "e1000003"] } } });
    expect(audits.map((a) => [a.objectId, (a.after as { endedBy?: string }).endedBy])).toEqual([["e1000001", "expiry"]]);
  });
});
