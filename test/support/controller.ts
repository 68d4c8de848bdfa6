import type { ControllerContext } from "@/lib/controllers/context";
import { fixedSettings } from "@/lib/controllers/settings";
import { DEFAULT_AUDIT_SETTINGS, DEFAULT_FLUX_SETTINGS, DEFAULT_LAUNCH_SETTINGS, DEFAULT_LIFETIME, type Settings } from "@/lib/domain/settings";
import { unreachableEngine } from "./engine";

/** The settings a test's worker reads: the defaults, with what the test changes. */
export function testSettings(changes: Partial<Settings> = {}): Settings {
  return {
    baseDomain: "envdeck.localhost",
    connectionUrlTemplate: null,
    values: {},
    defaultQuota: 5,
    flux: DEFAULT_FLUX_SETTINGS,
    launch: DEFAULT_LAUNCH_SETTINGS,
    audit: DEFAULT_AUDIT_SETTINGS,
    exposedClaims: [],
    lifetime: DEFAULT_LIFETIME,
    ...changes,
  };
}

/**
 * A worker's context for calling reconcilers directly: a cluster that is configured but never contacted (the
 * pool controller works only with one), fixed settings, the clock of now and a silent log; each part can be
 * replaced.
 */
export function testContext(changes: Partial<Omit<ControllerContext, "settings">> & { settings?: Partial<Settings> } = {}): ControllerContext {
  const { settings, ...rest } = changes;
  return {
    engine: unreachableEngine("edtest"),
    noEngineReason: "",
    installationId: "edtest",
    settings: fixedSettings(testSettings(settings)),
    now: () => new Date(),
    log: () => undefined,
    ...rest,
  };
}
