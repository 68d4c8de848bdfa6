import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { describeProblem } from "@/lib/domain/problems";
import { updateSettings } from "@/lib/services/settings/update-settings";
import { freePort } from "@/scripts/free-port";
import { setupTestDatabase } from "@/test/support/database";
import { cluster, createClusterTemplate, describeWithCluster, insertInstance, startTestWorker, waitFor, type TestWorker } from "@/test/support/cluster";

const database = setupTestDatabase();

/**
 * The bound on a launch against the real control plane and Flux's real controllers: a chart Flux cannot
 * fetch fails the launch once the fetch limit has passed, and a chart source that comes back in time lets
 * it go on. The limits are set through the settings, as an admin would, and the running worker reads them.
 */
describeWithCluster("launches that cannot succeed fail within their limit", () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startTestWorker(database.url);
  });
  afterAll(async () => {
    await worker?.stop();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === "fail") console.log(`worker log:\n${worker.logs.join("\n")}`);
    await updateSettings(SYSTEM_IDENTITY, { launch: null });
  });

  const instance = (uuid: string) => db().instance.findUniqueOrThrow({ where: { uuid } });

  it.skipIf(!cluster?.flux)("an unreachable chart repository → Failed once the fetch limit passes, with plain words and Flux's report kept (real Flux controllers)", async () => {
    await updateSettings(SYSTEM_IDENTITY, { launch: { fetchTimeoutSeconds: 10 } });
    const template = await createClusterTemplate("unreachable", { type: "helm", repoUrl: "http://127.0.0.1:9/charts", chart: "envdeck-test", revision: "0.1.0" });
    const row = await insertInstance(template, { ownerKey: "erin" });

    const failed = await waitFor("phase Failed", async () => {
      const current = await instance(row.uuid);
      return current.phase === "Failed" && current;
    }, 90_000);
    expect(failed).toMatchObject({ health: "failed", step: "fetching" });
    expect(failed.stepStartedAt).toBeInstanceOf(Date);
    expect(failed.message).toMatch(/^Gave up after 10 s without progress fetching the chart \(the limit is the setting launch\.fetchTimeoutSeconds\)\. Last report: Chart source: .*127\.0\.0\.1:9.*connection refused/);
    expect(describeProblem(failed)).toMatchObject({
      kind: "source-unreachable",
      summary: expect.stringMatching(/^The environment's chart could not be downloaded\. This is not something you did\./),
    });
    expect(worker.logs.join("\n")).toContain(`instance ${row.uuid}: Provisioning → Failed: Gave up after 10 s`);
    // For admins: the conditions Flux reported as the worker last read them, and the history the database kept.
    expect(failed.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ object: "HelmRelease", type: "Ready", status: "False" }),
        expect.objectContaining({ object: "HelmRepository", type: "Ready", status: "False", message: expect.stringMatching(/connection refused/) }),
      ]),
    );
    const history = await db().instanceEvent.findMany({ where: { instanceId: failed.id }, orderBy: { id: "asc" } });
    // Step changes within Provisioning are moments of their own; the phases went this way.
    expect(history.map((event) => event.phase).filter((phase, i, all) => phase !== all[i - 1])).toEqual(["Pending", "Provisioning", "Failed"]);
    expect(history.at(-1)).toMatchObject({ step: "fetching", message: failed.message });

    // Failed is final: the worker leaves it alone however often it looks.
    const before = failed.updatedAt;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await instance(row.uuid)).updatedAt).toEqual(before);
  }, 150_000);

  it.skipIf(!cluster?.flux)("a chart repository that comes back before the limit lets the launch go on to Ready (real Flux controllers)", async () => {
    await updateSettings(SYSTEM_IDENTITY, { launch: { fetchTimeoutSeconds: 120 } });
    // A port where nothing listens yet: Flux's fetches are refused until the repository "comes back" there.
    const port = await freePort();
    const template = await createClusterTemplate("recovering", { type: "helm", repoUrl: `http://127.0.0.1:${port}/charts`, chart: "envdeck-test", revision: "0.1.0" });
    const row = await insertInstance(template, { ownerKey: "erin" });
    await waitFor("Flux to report the unreachable repository", async () => {
      const current = await instance(row.uuid);
      return current.step === "fetching" && current.health === "degraded" && /connection refused/.test(current.message ?? "");
    });

    // The repository comes back: the same address now serves the local Helm repository's index.
    const upstream = cluster!.helmRepositoryUrl!.replace(/\/$/, "");
    const server: Server = createServer((request, response) => {
      void fetch(`${upstream}${(request.url ?? "/").replace(/^\/charts/, "")}`).then(
        async (answer) => response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/octet-stream" }).end(Buffer.from(await answer.arrayBuffer())),
        () => response.writeHead(502).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      const ready = await waitFor("phase Ready", async () => {
        const current = await instance(row.uuid);
        if (current.phase === "Failed") throw new Error(`failed: ${current.message}`);
        return current.phase === "Ready" && current;
      }, 110_000, 250);
      expect(ready).toMatchObject({ step: "ready", health: "healthy" });
      expect(describeProblem(ready)).toBeNull();
    } finally {
      server.close();
    }
  }, 200_000);
});
