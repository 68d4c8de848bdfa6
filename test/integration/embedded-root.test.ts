import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EmbeddedDatabaseError, startEmbeddedDatabase } from "@/lib/db/embedded";
import { freePort } from "@/test/support/postgres";

/**
 * As root the embedded server runs as the `postgres` user: a data directory it cannot reach (a clone under
 * /root, a `mktemp -d` directory) is refused with what to do, instead of crashing on a bare EACCES.
 */
describe.skipIf(process.getuid?.() !== 0)("the embedded database started as root", () => {
  it("refuses a data directory the postgres user cannot enter, naming the closed directory and the ways out", async () => {
    const closed = await mkdtemp(path.join(os.tmpdir(), "envdeck-closed-"));
    await chmod(closed, 0o700);
    try {
      const start = startEmbeddedDatabase({ dataDir: path.join(closed, "clone", ".data"), port: await freePort() });
      await expect(start).rejects.toBeInstanceOf(EmbeddedDatabaseError);
      await expect(start).rejects.toThrow(`cannot enter ${closed} (mode 700)`);
      await expect(start).rejects.toThrow(/DATABASE_URL/);
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });
});
