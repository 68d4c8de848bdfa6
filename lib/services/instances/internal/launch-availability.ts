import "server-only";
import { getConfig } from "@/lib/config";
import { selectEngine } from "@/lib/engine/select";

export interface LaunchAvailability {
  available: boolean;
  /** Why launching is impossible, in words for users; null when it is possible. */
  reason: string | null;
}

/**
 * Whether this portal can launch at all: decided from the configuration alone, so the web never contacts
 * the cluster. Launches are refused with the same reason when it is not.
 */
export function getLaunchAvailability(): LaunchAvailability {
  const selection = selectEngine(getConfig().kubernetes);
  return selection.kind === "none" ? { available: false, reason: selection.reason } : { available: true, reason: null };
}
