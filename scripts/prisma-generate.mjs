// Runs `prisma generate` offline. The Prisma CLI insists on locating a native schema engine before any
// command, although generating the Rust-free client never uses it; pointing it at an existing executable
// keeps generation working on machines without internet access.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const standIn = ["/bin/true", "/usr/bin/true"].find((p) => existsSync(p));
  if (standIn) env.PRISMA_SCHEMA_ENGINE_BINARY = standIn;
}
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
