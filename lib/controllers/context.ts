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
  exposedClaims: string[];
  now: () => Date;
  log: (line: string) => void;
}
