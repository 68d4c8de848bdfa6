import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/** The project's own lint configuration, asked about a file as if it stood at `filePath`. */
async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layering (lint)", () => {
  it("keeps helpers that check no permission out of routes and components", async () => {
    for (const source of [
      'import { findOwnedInstance } from "@/lib/services/instances/internal/owned";',
      'import { seedDemo } from "@/lib/services/system/seed-demo";',
      'import { authenticateApiToken } from "@/lib/services/tokens/internal/authenticate-token";',
      'import { loadTemplate } from "@/lib/db/templates";',
      'import { FluxEngine } from "@/lib/engine/flux/engine";',
    ]) {
      expect(await restrictedImports(source, "app/(student)/example/page.tsx"), source).toHaveLength(1);
      expect(await restrictedImports(source, "components/example.tsx"), source).toHaveLength(1);
    }
  }, 60_000);

  it("lets routes call use cases, and lets other layers use the helpers", async () => {
    expect(await restrictedImports('import { launchInstance } from "@/lib/services/instances/launch";', "app/api/example/route.ts")).toEqual([]);
    expect(await restrictedImports('import { authenticateApiToken } from "@/lib/services/tokens/internal/authenticate-token";', "lib/api/example.ts")).toEqual([]);
  }, 60_000);
});
