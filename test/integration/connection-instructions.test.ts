import { describe, expect, it } from "vitest";
import { reconcilePool } from "@/lib/controllers/pools";
import { db } from "@/lib/db/client";
import { getInstance } from "@/lib/services/instances/get";
import { launchInstance } from "@/lib/services/instances/launch";
import { previewTemplate } from "@/lib/services/templates/preview";
import { HOSTILE_VALUES } from "@/test/fixtures/hostile-values";
import { setupTestDatabase } from "@/test/support/database";
import { allowLaunching, createLaunchTemplate, createUser } from "@/test/support/launch";
import { testContext } from "@/test/support/controller";

/**
 * Templates whose environments are reached by instructions rather than a URL: the message is rendered at
 * launch (on demand and for pool members alike) with the instance's context, stored on the instance, and
 * shown to its owner; values in it can never add lines or hide text.
 */

allowLaunching();
setupTestDatabase();

const context = testContext({ settings: { defaultQuota: 0, flux: { interval: "5m", timeout: "10m", serviceAccountName: null, remediationRetries: 3, wait: true } } });

const MESSAGE = "Connect with:\nssh {{ params.login }}@{{ host }}\nYour password is in your e-mail.";

describe("connection instructions", () => {
  it("are rendered at launch, stored on the instance and part of what its owner sees", async () => {
    await createLaunchTemplate("ssh-lab", {
      connectionType: "instructions",
      connectionMessageTemplate: MESSAGE,
      spec: { parameters: { type: "object", properties: { login: { type: "string", maxLength: 4096, default: "student" } } } },
    });
    const eve = await createUser({ name: "eve" });
    const { environment } = await launchInstance(eve, { template: "ssh-lab", params: { login: "eve" } });
    const expected = `Connect with:\nssh eve@ssh-lab-${environment.uuid}.envdeck.localhost\nYour password is in your e-mail.`;
    expect(environment).toMatchObject({ connectionType: "instructions", connectionMessage: expected });
    expect((await db().instance.findUniqueOrThrow({ where: { uuid: environment.uuid } })).connectionMessage).toBe(expected);
    expect(await getInstance(eve, { uuid: environment.uuid })).toMatchObject({ connectionType: "instructions", connectionMessage: expected });
    // A later edit of the template never changes what a running environment says.
    await db().template.update({ where: { name: "ssh-lab" }, data: { connectionMessageTemplate: "Something else" } });
    expect(await getInstance(eve, { uuid: environment.uuid })).toMatchObject({ connectionMessage: expected });
    await db().template.update({ where: { name: "ssh-lab" }, data: { connectionMessageTemplate: MESSAGE } });
  });

  it("keep hostile parameter values on their line, visible: they cannot forge lines of their own", async () => {
    const values = [
      "x\nURGENT: your account is locked, log in at http://evil.example",
      "x\r\nPassword: hunter2",
      "x\u2028second line",
      "x\u202Eeussi",
      '<a href="http://evil.example">Click here</a>',
      ...HOSTILE_VALUES.filter((v): v is string => typeof v === "string" && v.length <= 4096).slice(0, 30),
    ];
    for (const [i, value] of values.entries()) {
      const user = await createUser({ name: `mallory-${i}` });
      const { environment } = await launchInstance(user, { template: "ssh-lab", params: { login: value } });
      const lines = environment.connectionMessage!.split("\n");
      expect(lines, JSON.stringify(value).slice(0, 60)).toHaveLength(3);
      expect(lines[0]).toBe("Connect with:");
      expect(lines[2]).toBe("Your password is in your e-mail.");
      expect(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u.test(lines[1]!)).toBe(false);
    }
  });

  it("are rendered for pool members too, anonymously, and come with the claim", async () => {
    const pool = await createLaunchTemplate("vnc-pool", {
      method: "pool",
      poolSize: 1,
      connectionType: "instructions",
      connectionMessageTemplate: "Point your VNC viewer at {{ host }}:5901",
    });
    await reconcilePool(context, pool.id, 5);
    const member = await db().instance.findFirstOrThrow({ where: { templateId: pool.id } });
    expect(member.connectionMessage).toBe(`Point your VNC viewer at vnc-pool-${member.uuid}.envdeck.localhost:5901`);
    await db().instance.update({ where: { id: member.id }, data: { phase: "Available" } });
    const { outcome, environment } = await launchInstance(await createUser({ name: "frank" }), { template: "vnc-pool" });
    expect(outcome).toBe("claimed");
    expect(environment).toMatchObject({ connectionType: "instructions", connectionMessage: member.connectionMessage });
  });

  it("are refused at creation when a pool template's message names its user", async () => {
    await expect(
      createLaunchTemplate("vnc-owner", { method: "pool", connectionType: "instructions", connectionMessageTemplate: "Hello {{ owner }}" }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", fields: { connectionMessageTemplate: [expect.stringContaining('cannot use "owner"')] } });
    expect(await db().template.count({ where: { name: "vnc-owner" } })).toBe(0);
  });

  it("are absent for web templates, and shown by the admin preview", async () => {
    await createLaunchTemplate("web-lab");
    const { environment } = await launchInstance(await createUser({ name: "gina" }), { template: "web-lab" });
    expect(environment).toMatchObject({ connectionType: "web", connectionMessage: null });
    const admin = await createUser({ name: "root", roles: ["admin"] });
    expect((await previewTemplate(admin, { name: "ssh-lab", params: { login: "ada" } })).connectionMessage).toBe(
      "Connect with:\nssh ada@ssh-lab-00000000.envdeck.localhost\nYour password is in your e-mail.",
    );
    expect((await previewTemplate(admin, { name: "web-lab" })).connectionMessage).toBeNull();
  });
});
