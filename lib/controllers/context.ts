import "server-only";
import type { Engine } from "@/lib/engine/types";
import type { SettingsSource } from "./settings";

/** What every reconciler gets: the engine (null without a cluster), the settings, the clock and the log. */
export interface ControllerContext {
  engine: Engine | null;
  /** Why there is no engine, shown on instances waiting for one. */
  noEngineReason: string;
  /** This portal's label on every cluster object it creates. */
  installationId: string;
  settings: SettingsSource;
  now: () => Date;
  log: (line: string) => void;
  /**
   * Asks the pool controller to look at a template soon: the worker sets it, so that a member turning ready or
   * failing moves its pool on at once; reconcilers called on their own leave it unset.
   */
  wakePool?: (templateId: string) => void;
}
