import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const shared = {
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws when bundled for a browser; tests run on the server side like the portal does.
      "server-only": path.join(root, "test/support/server-only.ts"),
    },
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          // Property tests run hundreds of cases: on a busy two-core machine one took 6.5 s, past the default 5 s.
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        ...shared,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/support/global-postgres.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Two cores: files run two at a time, each in a database of its own.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        ...shared,
        test: {
          name: "cluster",
          include: ["test/cluster/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/support/global-postgres.ts", "test/support/global-cluster.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One control plane for all files, and one file stops its API server: files take turns.
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
