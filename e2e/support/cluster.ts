import { execFileSync } from "node:child_process";
import { db } from "@/lib/db/client";
import { createTemplate, type NewTemplate } from "@/lib/services/templates/create-template";
import { findBinaries, type Binaries } from "@/scripts/cluster/control-plane";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";

/**
 * The end-to-end portal's cluster: the real control plane of scripts/cluster with Flux's controllers, and
 * the templates the journeys launch, all pointing at the fixture chart in its local Helm repository.
 */

/** A message nobody scrolls past. */
export function loud(message: string): void {
  const bar = "!".repeat(Math.min(message.length, 110));
  console.warn(`\n${bar}\n${message}\n${bar}\n`);
}

/**
 * The built binaries, or why the journeys that launch must skip. They need Flux's controllers too: without
 * them nothing would install a release and no instance would ever turn Ready. Throws when
 * ENVDECK_REQUIRE_CLUSTER=1 (as CI sets) forbids skipping.
 */
export function findClusterBinaries(): { binaries: Binaries; missing: null } | { binaries: null; missing: string } {
  const binaries = findBinaries();
  let missing: string | null = null;
  if (!binaries || !binaries.flux) {
    let hasGo = true;
    try {
      execFileSync("go", ["version"], { stdio: "ignore" });
    } catch {
      hasGo = false;
    }
    const what = binaries ? "FLUX CONTROLLERS NOT BUILT" : "KUBERNETES CONTROL PLANE NOT BUILT";
    missing = `${what}: every end-to-end journey that launches an environment is SKIPPED. ${hasGo ? "Run scripts/cluster/build.sh all." : "Install Go (1.26+) and run scripts/cluster/build.sh all."}`;
  }
  if (missing === null) return { binaries: binaries!, missing: null };
  loud(missing);
  if (process.env.ENVDECK_REQUIRE_CLUSTER === "1") throw new Error(`${missing} ENVDECK_REQUIRE_CLUSTER=1 forbids skipping.`);
  return { binaries: null, missing };
}

/** A chart repository URL nothing answers at (port 9, discard, is closed on loopback). */
export const UNREACHABLE_REPOSITORY = "http://127.0.0.1:9/charts";

/** The fixture chart (test/fixtures/charts/envdeck-test): a ConfigMap and a Service, so it needs no pods. */
function fixtureChart(helmRepositoryUrl: string | null): NewTemplate["spec"]["chart"] {
  // Without a cluster nothing fetches the chart, but the source must still be a valid Helm repository URL.
  return { type: "helm", repoUrl: helmRepositoryUrl ?? UNREACHABLE_REPOSITORY, chart: "envdeck-test", revision: "0.1.0" };
}

type E2eTemplate = NewTemplate & { maxInstancesPerUser?: number };

function withChart(template: E2eTemplate, chart: NewTemplate["spec"]["chart"]): E2eTemplate {
  return { ...template, spec: { ...template.spec, chart } };
}

/** The templates the journeys use; their names are fixed (the specs refer to them). */
export function e2eTemplates(helmRepositoryUrl: string | null): E2eTemplate[] {
  const chart = fixtureChart(helmRepositoryUrl);
  const onDemand = (name: string, displayName: string, fields: Partial<E2eTemplate> = {}): E2eTemplate => ({
    name,
    displayName,
    description: `End-to-end template ${name}.`,
    icon: "terminal",
    category: "e2e,journeys",
    method: "on_demand",
    ttlSeconds: 3600,
    ttlExtendSeconds: 1800,
    ttlMaxExtends: 1,
    ...fields,
    spec: {
      chart,
      valuesTemplate: "greeting: {{ params.greeting }}\nowner: {{ owner }}\n",
      valueFiles: [],
      parameters: {
        type: "object",
        properties: { greeting: { type: "string", title: "Greeting", description: "Shown by the environment.", default: "hello", minLength: 1, maxLength: 40 } },
        required: ["greeting"],
      },
      ownerClaim: "",
    },
  });
  return [
    onDemand("e2e-ondemand", "E2E On Demand"),
    {
      name: "e2e-warm",
      displayName: "E2E Warm",
      description: "A warm pool: launching claims a member that is already installed.",
      icon: "terminal",
      category: "e2e,journeys",
      method: "pool",
      poolSize: 1,
      poolMaxSize: 3,
      ttlSeconds: 3600,
      spec: { chart, valuesTemplate: "greeting: warm {{ uuid }}\n", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" },
    },
    onDemand("e2e-hidden", "E2E Hidden", { visible: false }),
    onDemand("e2e-disabled", "E2E Disabled", { enabled: false }),
    onDemand("e2e-quota", "E2E Quota", { maxInstancesPerUser: 1 }),
    onDemand("e2e-short", "E2E Short", { ttlSeconds: 90 }),
    // Separate templates per journey, so journeys never meet on "your existing instance of this template".
    onDemand("e2e-keyboard", "E2E Keyboard"),
    onDemand("e2e-private", "E2E Private"),
    // The settings journey edits this one (its values read owner and params: it cannot become a pool).
    onDemand("e2e-settings", "E2E Settings"),
    // Reached by instructions rather than a URL; the greeting is the parameter a student could make hostile.
    onDemand("e2e-instructions", "E2E Instructions", {
      connectionType: "instructions",
      connectionMessageTemplate: "Connect with:\nssh {{ params.greeting }}@{{ host }}\nYour password is in your e-mail.",
    }),
    // The pool journey fills it, rolls it to a new spec and recycles it: empty until that journey sizes it.
    {
      name: "e2e-pool-roll",
      displayName: "E2E Pool Roll",
      description: "A warm pool an admin follows live, repoints and recycles.",
      icon: "terminal",
      category: "e2e,journeys",
      method: "pool",
      poolSize: 0,
      ttlSeconds: 3600,
      spec: { chart, valuesTemplate: "greeting: first {{ uuid }}\n", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" },
    },
    // The admin's environments journey ends every environment of it in bulk.
    onDemand("e2e-bulk", "E2E Bulk"),
    // Its chart repository is a port nothing listens on: every launch of it fails once the fetch limit passes.
    withChart(onDemand("e2e-unreachable", "E2E Unreachable", { ttlSeconds: 1800 }), { ...chart, repoUrl: UNREACHABLE_REPOSITORY }),
  ];
}

/**
 * Creates the journeys' templates through the template service. The per-user limit is not part of a new
 * template's fields, so it is set on the row afterwards.
 */
export async function createE2eTemplates(helmRepositoryUrl: string | null): Promise<void> {
  for (const { maxInstancesPerUser, ...template } of e2eTemplates(helmRepositoryUrl)) {
    const created = await createTemplate(SYSTEM_IDENTITY, template);
    if (maxInstancesPerUser !== undefined) await db().template.update({ where: { id: created.id }, data: { maxInstancesPerUser } });
  }
}
