import "server-only";
import { readSettings } from "@/lib/db/settings";
import type { Settings } from "@/lib/domain/settings";

/** The settings as the worker reads them: live, never only at start-up. */
export interface SettingsSource {
  /** The settings in force; read again after `invalidate` and once they are `maxAgeMs` old. */
  read(): Promise<Settings>;
  /** Forgets what was read: a settings change woke the worker. */
  invalidate(): void;
}

/**
 * Settings read from the database and kept for a short while: every reconcile needs them, and one query per
 * reconcile would be wasted work. A change made through the portal wakes the worker, which invalidates them
 * at once; a change made any other way is seen within `maxAgeMs`.
 */
export function databaseSettings(maxAgeMs = 10_000, now: () => number = Date.now): SettingsSource {
  let cached: { at: number; settings: Promise<Settings> } | null = null;
  return {
    read() {
      if (!cached || now() - cached.at > maxAgeMs) {
        const settings = readSettings();
        const entry = { at: now(), settings };
        cached = entry;
        // A failed read is not kept: the next call tries again.
        settings.catch(() => {
          if (cached === entry) cached = null;
        });
      }
      return cached.settings;
    },
    invalidate() {
      cached = null;
    },
  };
}

/** Fixed settings, for tests that do not exercise the database's. */
export function fixedSettings(settings: Settings): SettingsSource {
  return { read: async () => settings, invalidate: () => undefined };
}
