import "server-only";
import { readSettings } from "@/lib/db/settings";
import { loadTemplate } from "@/lib/db/templates";
import { isAppError } from "@/lib/domain/errors";
import { SYSTEM_IDENTITY } from "@/lib/domain/identity";
import { updateSettings } from "@/lib/services/settings/update-settings";
import { saveTemplateSpec } from "@/lib/services/templates/save-spec";
import type { NewTemplate } from "@/lib/services/templates/create-template";
import type { DemoContent } from "./seed-demo";

/**
 * What `npm run demo` seeds and keeps: templates whose chart the local control plane's Helm repository
 * serves (test/fixtures/charts/envdeck-hello), so a launch really installs and turns Ready with no cluster
 * of one's own. That control plane has no kubelet: the chart's pod never runs, so Flux is told not to wait
 * for it.
 */

export const HELLO_CHART = { chart: "envdeck-hello", revision: "0.1.0" } as const;

function helloTemplates(helmRepositoryUrl: string): NewTemplate[] {
  const chart = { type: "helm" as const, repoUrl: helmRepositoryUrl, ...HELLO_CHART };
  return [
    {
      name: "hello",
      displayName: "Hello page",
      description: "A web page that greets you: nginx behind a Service and an Ingress, installed for real by Flux on the local control plane.",
      icon: "web",
      category: "demo,web",
      ttlSeconds: 3600,
      ttlExtendSeconds: 1800,
      ttlMaxExtends: 2,
      spec: {
        chart,
        valuesTemplate: "host: {{ host }}\ngreeting: {{ params.greeting }}\n",
        valueFiles: [],
        parameters: {
          type: "object",
          properties: {
            greeting: { type: "string", title: "Greeting", description: "Shown on the page.", default: "Hello from Envdeck", minLength: 1, maxLength: 60 },
          },
          required: ["greeting"],
        },
        ownerClaim: "",
      },
    },
    {
      name: "hello-warm",
      displayName: "Hello page, warm",
      description: "The same page from a warm pool: launching claims one that is already installed.",
      icon: "web",
      category: "demo,web",
      method: "pool",
      poolSize: 1,
      poolMaxSize: 3,
      ttlSeconds: 3600,
      spec: { chart, valuesTemplate: "host: {{ host }}\ngreeting: Hello from a warm pool\n", valueFiles: [], parameters: { type: "object", properties: {} }, ownerClaim: "" },
    },
  ];
}

/** The demo's first-run content on the local control plane. */
export function localClusterDemo(helmRepositoryUrl: string): DemoContent {
  return { templates: helloTemplates(helmRepositoryUrl), classCatalog: ["hello", "hello-warm"] };
}

/**
 * Run at every start of the demo: Flux does not wait for pods that cannot run, and the demo's templates point
 * at the Helm repository where it runs now (a save that changes nothing creates no version). Returns what
 * changed, for the log.
 */
export async function pointDemoAtLocalCluster(helmRepositoryUrl: string): Promise<string[]> {
  const changed: string[] = [];
  const { flux } = await readSettings();
  if (flux.wait) {
    await updateSettings(SYSTEM_IDENTITY, { flux: { ...flux, wait: false } });
    changed.push("Flux no longer waits for workloads to be ready (this control plane runs no pods)");
  }
  for (const { name } of helloTemplates(helmRepositoryUrl)) {
    let template;
    try {
      template = await loadTemplate({ name });
    } catch (error) {
      // Deleted in the portal: the demo leaves it so.
      if (isAppError(error) && error.code === "NOT_FOUND") continue;
      throw error;
    }
    const { spec } = template.latest;
    if (spec.chart.type !== "helm" || spec.chart.chart !== HELLO_CHART.chart || spec.chart.repoUrl === helmRepositoryUrl) continue;
    const saved = await saveTemplateSpec(SYSTEM_IDENTITY, {
      name,
      spec: { ...spec, chart: { ...spec.chart, repoUrl: helmRepositoryUrl } },
      message: `The demo's Helm repository is now at ${helmRepositoryUrl}`,
    });
    changed.push(`template ${name} points at ${helmRepositoryUrl} (version ${saved.version})`);
  }
  return changed;
}
