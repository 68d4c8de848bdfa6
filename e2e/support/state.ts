import { readFileSync } from "node:fs";
import path from "node:path";

/** Where the global setup leaves what the specs need: URLs, account passwords, saved sign-in states. */
export const ARTIFACTS = path.join(import.meta.dirname, "..", ".artifacts");
export const STATE_FILE = path.join(ARTIFACTS, "state.json");
export const WORKER_LOG = path.join(ARTIFACTS, "worker.log");

export type RoleName = "student" | "teacher" | "admin";

/**
 * Extra student accounts, so journeys that launch can each use an account of their own and never see another
 * journey's environments (quotas and "your existing instance" are per account).
 */
export const EXTRA_STUDENTS = ["student2", "student3", "student4", "student5", "student6", "student7", "student8", "student9", "student10", "student11", "student12", "student13", "student14", "student15", "student16", "student17", "student18", "student19", "student20", "student21", "student22", "student23", "student24", "student25", "student26", "student27", "student28", "student29", "student30", "student31", "student32", "student33", "student34", "student35", "student36", "student37", "student38", "student39", "student40", "student41", "student42", "student43", "student44", "student45", "student46", "student47", "student48", "student49", "student50"] as const;
export type ExtraStudent = (typeof EXTRA_STUDENTS)[number];

/**
 * Extra admin accounts, for journeys that change templates (their settings, or the catalog: create, delete,
 * restore): what they do is theirs, and the admin account's journeys keep the templates they expect.
 */
export const EXTRA_ADMINS = ["admin2", "admin3", "admin4", "admin5", "admin6"] as const;
export type ExtraAdmin = (typeof EXTRA_ADMINS)[number];

/** Extra teacher accounts: classes and catalogs are scoped to their teachers, so journeys keep theirs apart. */
export const EXTRA_TEACHERS = ["teacher2", "teacher3", "teacher4", "teacher5", "teacher6", "teacher7", "teacher8", "teacher9", "teacher10", "teacher11", "teacher12", "teacher13", "teacher14", "teacher15"] as const;
export type ExtraTeacher = (typeof EXTRA_TEACHERS)[number];

/**
 * Accounts the global setup creates but never signs in, for journeys that type wrong passwords: sign-in is
 * throttled per account, so each such journey uses one of its own and no other journey's sign-in is held up.
 */
export const SPARE_ACCOUNTS = ["typo", "lockout"] as const;
export type SpareAccount = (typeof SPARE_ACCOUNTS)[number];

/** Every account the global setup signs in: one per role, plus the extra students, teachers and admins. */
export type AccountName = RoleName | ExtraStudent | ExtraAdmin | ExtraTeacher;

export interface Account {
  username: string;
  password: string;
  displayName: string;
}

export interface E2eState {
  oidcIssuer: string;
  accounts: Record<AccountName, Account>;
  /** Student accounts nobody signs in as before a journey does (SPARE_ACCOUNTS). */
  spareAccounts: Record<SpareAccount, Account>;
  /**
   * Whether the portal runs against a real Kubernetes control plane with Flux (launches really install).
   * When false, `clusterMissing` says why, for the loud skip of the journeys that launch.
   */
  cluster: boolean;
  clusterMissing: string | null;
  /** The Helm repository on loopback that serves the test chart (envdeck-test 0.1.0), or null without a cluster. */
  helmRepositoryUrl: string | null;
  /**
   * The portal's environment minus the cluster: lets a spec start a second portal on the same database and
   * sessions that has no cluster configured. Test-only values (random secret, loopback database).
   */
  portalEnv: Record<string, string>;
}

export function storageStatePath(account: AccountName): string {
  return path.join(ARTIFACTS, `storage-${account}.json`);
}

export function readState(): E2eState {
  return JSON.parse(readFileSync(STATE_FILE, "utf8")) as E2eState;
}
