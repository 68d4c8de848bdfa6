import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { Identity } from "@/lib/domain/identity";
import { getLaunchAvailability } from "@/lib/services/instances/internal/launch-availability";
import { launchInstance } from "@/lib/services/instances/launch";
import { getLaunchPage } from "@/lib/services/instances/launch-page";
import { setupTestDatabase } from "@/test/support/database";
import { createLaunchTemplate, createUser } from "@/test/support/launch";

/**
 * A portal without a cluster (docs/architecture.md, "Engine selection"): it still serves the launch page, says plainly
 * why launching is impossible, and refuses a launch without writing anything. The configuration is read
 * once per test file, so this file sets it before anything reads it.
 */
process.env.ENVDECK_ENGINE = "none";
setupTestDatabase();

describe("without a cluster", () => {
  let student: Identity;
  beforeAll(async () => {
    student = await createUser({ name: "nocluster" });
    await createLaunchTemplate("lonely", { spec: { parameters: { type: "object", properties: { size: { type: "integer" } } } } });
  });

  it("explains on the launch page that launching needs a cluster, and still shows the form's schema", async () => {
    expect(getLaunchAvailability().available).toBe(false);
    const page = await getLaunchPage(student, { name: "lonely" });
    expect(page.unavailable).toMatch(/Launching needs a Kubernetes cluster/);
    expect(page.parameters).toMatchObject({ properties: { size: { type: "integer" } } });
  });

  it("refuses a launch with the same reason and writes nothing", async () => {
    await expect(launchInstance(student, { template: "lonely", params: { size: 1 } })).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/Kubernetes cluster/) });
    expect(await db().instance.count()).toBe(0);
  });
});
