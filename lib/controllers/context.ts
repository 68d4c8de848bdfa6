import "server-only";
import type { Engine } from "@/lib/engine/types";
import type { EngineSettings } from "@/lib/services/settings";

/** What every reconciler gets: the engine (null without a cluster), settings, the clock and the log. */
export interface ControllerContext {
  engine: Engine | null;
  /** Why there is no engine, shown on instances waiting for one. */
  noEngineReason: string;
  settings: EngineSettings;
  exposedClaims: string[];
  now: () => Date;
  log: (line: string) => void;
}
