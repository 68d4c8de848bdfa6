import "server-only";
import { generatePassword } from "@/lib/auth/passwords";
import { SYSTEM_IDENTITY, type Role } from "@/lib/domain/identity";
import { db } from "@/lib/db/client";
import { newJoinCode } from "@/lib/services/classes/internal/classes";
import { upsertLocalUser } from "@/lib/services/accounts/upsert-local-user";
import { createTemplate, type NewTemplate } from "@/lib/services/templates/create-template";

/**
 * First-run content for the embedded default: one account per role with a random password, and a few
 * templates so the catalog is not empty. Only ever called on an empty database.
 */

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
}

const DEMO_USERS: { username: string; role: Role; displayName: string; groups: string[] }[] = [
  { username: "admin", role: "admin", displayName: "Ada Admin", groups: ["staff"] },
  { username: "teacher", role: "teacher", displayName: "Theo Teacher", groups: ["staff", "class-1a"] },
  { username: "student", role: "student", displayName: "Sam Student", groups: ["class-1a"] },
];

const ingress = `ingress:
  enabled: true
  host: {{ host }}
`;

export const DEMO_TEMPLATES: NewTemplate[] = [
  {
    name: "webterm",
    displayName: "Web Terminal",
    description: "A Linux shell in your browser, with common command-line tools installed.",
    icon: "terminal",
    category: "learning,linux",
    ttlSeconds: 4 * 3600,
    spec: {
      chart: { type: "git", repoUrl: "https://github.com/envdeck/charts", path: "charts/webterm", revision: "main" },
      valuesTemplate: `${ingress}user: {{ owner }}\nshell: {{ params.shell }}\n`,
      valueFiles: [],
      parameters: {
        type: "object",
        properties: {
          shell: { type: "string", title: "Login shell", description: "The shell your terminal starts with.", enum: ["/bin/bash", "/bin/zsh", "/bin/sh"], default: "/bin/bash" },
        },
      },
      ownerClaim: "",
    },
  },
  {
    name: "vscode",
    displayName: "VS Code",
    description: "Visual Studio Code in the browser with Python, Node.js and Git.",
    icon: "code",
    category: "development,ide",
    ttlSeconds: 8 * 3600,
    spec: {
      chart: { type: "helm", repoUrl: "https://charts.envdeck.dev", chart: "code-server", revision: "4.96.0" },
      valuesTemplate: `${ingress}workspace: {{ owner }}-workspace\n`,
      valueFiles: [],
      parameters: { type: "object", properties: {} },
      ownerClaim: "",
    },
  },
  {
    name: "jupyter",
    displayName: "Jupyter Notebook",
    description: "JupyterLab with the scientific Python stack for data science classes.",
    icon: "book",
    category: "data science,notebooks",
    ttlSeconds: 4 * 3600,
    method: "pool",
    poolSize: 2,
    poolMaxSize: 10,
    spec: {
      chart: { type: "oci", repoUrl: "oci://ghcr.io/envdeck/charts", chart: "jupyterlab", revision: "1.2.3" },
      valuesTemplate: ingress,
      valueFiles: [],
      parameters: { type: "object", properties: {} },
      ownerClaim: "",
    },
  },
  {
    name: "postgresql",
    displayName: "PostgreSQL",
    description: "Your own PostgreSQL database with a web SQL console.",
    icon: "database",
    category: "databases,sql",
    ttlSeconds: 2 * 3600,
    spec: {
      chart: { type: "helm", repoUrl: "https://charts.envdeck.dev", chart: "postgresql", revision: "15.5.0" },
      valuesTemplate: `${ingress}database: {{ params.database }}\n`,
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

/** What a first run seeds besides the accounts: templates, and the demo class's catalog (template names, in order). */
export interface DemoContent {
  templates: NewTemplate[];
  classCatalog: string[];
}

export const DEMO_CONTENT: DemoContent = { templates: DEMO_TEMPLATES, classCatalog: ["webterm", "jupyter"] };

/**
 * Seeds demo accounts and templates as the portal itself; returns the generated credentials (shown once,
 * never stored in clear in the database).
 */
export async function seedDemo(content: DemoContent = DEMO_CONTENT): Promise<DemoAccount[]> {
  const accounts: DemoAccount[] = [];
  for (const user of DEMO_USERS) {
    const password = generatePassword();
    await upsertLocalUser(SYSTEM_IDENTITY, { username: user.username, password, roles: [user.role], displayName: user.displayName, groups: user.groups });
    accounts.push({ username: user.username, password, role: user.role });
  }
  const templates: { id: string; name: string }[] = [];
  for (const template of content.templates) templates.push(await createTemplate(SYSTEM_IDENTITY, template));
  // A teacher's catalog for the demo class, so students see "for your class" first.
  const teacher = await db().user.findUniqueOrThrow({ where: { username: "teacher" }, select: { id: true } });
  const picks = content.classCatalog.map((name) => templates.find((t) => t.name === name)!);
  const catalog = await db().catalog.create({
    data: {
      slug: "class-1a-week-1",
      title: "Class 1A · week 1",
      description: "What we use in the first week: the shell and a notebook.",
      audienceGroups: ["class-1a"],
      ownerId: teacher.id,
      items: { create: picks.map((template, position) => ({ templateId: template.id, position })) },
    },
  });
  await seedDemoClass(teacher.id, catalog.id);
  return accounts;
}

/**
 * The demo class: taught by the demo teacher, with the demo student in it and the demo catalog for it.
 * Upserts, so seeding it again changes nothing.
 */
async function seedDemoClass(teacherId: string, catalogId: string): Promise<void> {
  const student = await db().user.findUniqueOrThrow({ where: { username: "student" }, select: { id: true } });
  const demo = await db().class.upsert({
    where: { slug: "demo-class" },
    update: {},
    create: { slug: "demo-class", title: "Demo class", term: "", joinCode: newJoinCode(), createdById: teacherId },
    select: { id: true },
  });
  await db().classTeacher.upsert({ where: { classId_userId: { classId: demo.id, userId: teacherId } }, update: {}, create: { classId: demo.id, userId: teacherId } });
  await db().classMember.upsert({ where: { classId_userId: { classId: demo.id, userId: student.id } }, update: {}, create: { classId: demo.id, userId: student.id, via: "teacher" } });
  await db().catalogClass.upsert({ where: { catalogId_classId: { catalogId, classId: demo.id } }, update: {}, create: { catalogId, classId: demo.id } });
}
