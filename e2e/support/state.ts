import { readFileSync } from "node:fs";
import path from "node:path";

/** Where the global setup leaves what the specs need: URLs, account passwords, saved sign-in states. */
export const ARTIFACTS = path.join(import.meta.dirname, "..", ".artifacts");
export const STATE_FILE = path.join(ARTIFACTS, "state.json");

export type RoleName = "student" | "teacher" | "admin";

export interface E2eState {
  oidcIssuer: string;
  accounts: Record<RoleName, { username: string; password: string; displayName: string }>;
}

export function storageStatePath(role: RoleName): string {
  return path.join(ARTIFACTS, `storage-${role}.json`);
}

export function readState(): E2eState {
  return JSON.parse(readFileSync(STATE_FILE, "utf8")) as E2eState;
}
