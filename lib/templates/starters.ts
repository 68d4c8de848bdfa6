import type { TemplateDraft } from "@/lib/domain/template-import";
import type { VersionSpec } from "./spec";

/**
 * What a new template can start from: a blank one, or a realistic template for the environments schools
 * run most (a web terminal, VS Code, Jupyter, a database). Each is a complete, valid template the admin then
 * adjusts (images, versions, resources). The terminal, VS Code and Jupyter run their upstream images with the
 * widely used bjw-s `app-template` chart, which turns values into a Deployment, a Service and an Ingress;
 * the database is Bitnami's PostgreSQL chart.
 */

export const STARTER_IDS = ["blank", "webterm", "vscode", "jupyter", "postgresql"] as const;
export type StarterId = (typeof STARTER_IDS)[number];

export interface Starter {
  id: StarterId;
  title: string;
  summary: string;
  /** The new template's operational fields, but its name and display name (chosen by the admin). */
  fields: Record<string, unknown>;
  spec: VersionSpec;
}

const APP_TEMPLATE = { type: "oci" as const, repoUrl: "oci://ghcr.io/bjw-s-labs/helm", chart: "app-template", revision: "4.1.2" };

/** The app-template values that expose container port `port` at the instance's host. */
function webService(port: number): string {
  return `service:
  main:
    controller: main
    ports:
      http:
        port: ${port}
ingress:
  main:
    hosts:
      - host: {{ host }}
        paths:
          - path: /
            service:
              identifier: main
              port: http
`;
}

const noParameters = { type: "object", properties: {} };

export const STARTERS: readonly Starter[] = [
  {
    id: "blank",
    title: "Blank",
    summary: "A minimal template with a placeholder chart. It starts disabled: point it at your chart, then enable it.",
    fields: { description: "", icon: "default", category: "", enabled: false, method: "on_demand" },
    spec: {
      chart: { type: "helm", repoUrl: "https://charts.example.com", chart: "my-chart", revision: "0.1.0" },
      valuesTemplate: "ingress:\n  enabled: true\n  host: {{ host }}\n",
      valueFiles: [],
      parameters: noParameters,
      ownerClaim: "",
    },
  },
  {
    id: "webterm",
    title: "Web terminal",
    summary: "A Linux shell in the browser (ttyd), with the login shell as a parameter.",
    fields: { description: "A Linux shell in your browser.", icon: "terminal", category: "learning,linux", method: "on_demand", ttlSeconds: 4 * 3600, ttlExtendSeconds: 3600, ttlMaxExtends: 3 },
    spec: {
      chart: APP_TEMPLATE,
      valuesTemplate: `controllers:
  main:
    containers:
      main:
        image:
          repository: tsl0922/ttyd
          tag: "1.7.7"
        args:
          - --writable
          - {{ params.shell }}
        resources:
          requests: { cpu: 50m, memory: 64Mi }
          limits: { memory: 512Mi }
${webService(7681)}`,
      valueFiles: [],
      parameters: {
        type: "object",
        properties: { shell: { type: "string", title: "Login shell", description: "The shell your terminal starts with.", enum: ["bash", "sh"], default: "bash" } },
      },
      ownerClaim: "",
    },
  },
  {
    id: "vscode",
    title: "VS Code",
    summary: "Visual Studio Code in the browser (code-server), with a workspace that lives as long as the environment.",
    fields: { description: "Visual Studio Code in your browser.", icon: "code", category: "development,ide", method: "on_demand", ttlSeconds: 8 * 3600, ttlExtendSeconds: 3600, ttlMaxExtends: 4 },
    spec: {
      chart: APP_TEMPLATE,
      valuesTemplate: `controllers:
  main:
    containers:
      main:
        image:
          repository: codercom/code-server
          tag: "4.96.4"
        args: ["--auth", "none", "--bind-addr", "0.0.0.0:8080", "/home/coder/project"]
        resources:
          requests: { cpu: 250m, memory: 512Mi }
          limits: { memory: 2Gi }
persistence:
  workspace:
    type: emptyDir
    globalMounts:
      - path: /home/coder/project
${webService(8080)}`,
      valueFiles: [],
      parameters: noParameters,
      ownerClaim: "",
    },
  },
  {
    id: "jupyter",
    title: "Jupyter",
    summary: "JupyterLab with the scientific Python stack, kept warm in a pool so it opens at once.",
    fields: { description: "JupyterLab with NumPy, pandas and matplotlib.", icon: "book", category: "data science,notebooks", method: "pool", poolSize: 2, poolMaxSize: 20, ttlSeconds: 4 * 3600 },
    spec: {
      chart: APP_TEMPLATE,
      // A pool member is made before anyone claims it, so it can only use what every member has: its uuid
      // is its notebook token, which the connection URL carries.
      valuesTemplate: `controllers:
  main:
    containers:
      main:
        image:
          repository: quay.io/jupyter/scipy-notebook
          tag: python-3.12
        args: ["start-notebook.py", "--IdentityProvider.token={{ uuid }}"]
        resources:
          requests: { cpu: 250m, memory: 1Gi }
          limits: { memory: 4Gi }
${webService(8888)}`,
      valueFiles: [],
      parameters: noParameters,
      connectionUrlTemplate: "https://{{ host }}/lab?token={{ uuid }}",
      ownerClaim: "",
    },
  },
  {
    id: "postgresql",
    title: "Database",
    summary: "A PostgreSQL database of one's own (Bitnami's chart), with the database name as a parameter.",
    fields: { description: "Your own PostgreSQL database.", icon: "database", category: "databases,sql", method: "on_demand", ttlSeconds: 2 * 3600 },
    spec: {
      chart: { type: "oci", repoUrl: "oci://registry-1.docker.io/bitnamicharts", chart: "postgresql", revision: "16.7.4" },
      valuesTemplate: `auth:
  database: {{ params.database }}
  username: {{ owner }}
primary:
  persistence:
    enabled: false
  resources:
    requests: { cpu: 100m, memory: 256Mi }
    limits: { memory: 1Gi }
`,
      valueFiles: [],
      parameters: {
        type: "object",
        properties: {
          database: {
            type: "string",
            title: "Database name",
            description: "Lowercase letters, digits and _, starting with a letter.",
            pattern: "^[a-z][a-z0-9_]{0,30}$",
            default: "app",
          },
        },
      },
      ownerClaim: "",
    },
  },
];

/** The starter with this id, or undefined. */
export function findStarter(id: unknown): Starter | undefined {
  return STARTERS.find((starter) => starter.id === id);
}

/** A new template's draft from a starter, under the name and display name the admin chose. */
export function starterDraft(starter: Starter, names: { name: unknown; displayName: unknown; isBase?: unknown }): TemplateDraft {
  const base = names.isBase === undefined ? {} : { isBase: names.isBase };
  return { fields: { ...starter.fields, ...base, name: names.name, displayName: names.displayName }, spec: structuredClone(starter.spec) };
}
