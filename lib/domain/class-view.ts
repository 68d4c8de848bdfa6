import { INSTANCE_UUID } from "./naming";
import { toOwnerKey } from "./owner-key";
import { RUNNING_PHASES, type Phase } from "./phase";

/**
 * The teacher's live view of a class: one row per student, one column per template of the class's catalogs.
 * What each cell says, which rows a filter keeps, the summary counts, how a student's environment of a template
 * is found from the template's owner claim, and what a teacher's bulk request may ask for. Pure.
 */

/** "Expiring" in the class view: a live environment whose time runs out within this. */
export const CLASS_EXPIRING_WITHIN_SECONDS = 30 * 60;

/** The most environments (or students) one bulk request of a class names: more is refused, never cut. */
export const MAX_CLASS_BULK = 1000;

/** Longest search text; longer is cut (it only narrows what is shown). */
export const MAX_CLASS_SEARCH = 100;

export const CLASS_VIEW_STATUSES = ["running", "failed", "expiring", "not-started"] as const;
export type ClassViewStatus = (typeof CLASS_VIEW_STATUSES)[number];

export interface ClassViewQuery {
  /** Keep students with at least one cell in this state; null keeps every student. */
  status: ClassViewStatus | null;
  /** Text a student's username or display name contains, lowercased; "" for none. */
  search: string;
}

export const NO_CLASS_VIEW_QUERY: ClassViewQuery = { status: null, search: "" };

function firstText(raw: unknown): string | null {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === "string" ? value : null;
}

/**
 * Reads the view's filter from search parameters. The view only narrows what is shown (a bulk action names
 * its environments itself), so what it does not understand is ignored rather than refused: a mistyped or
 * hostile address shows the whole class, never an error page.
 */
export function parseClassViewQuery(params: unknown): ClassViewQuery {
  if (typeof params !== "object" || params === null || Array.isArray(params)) return { ...NO_CLASS_VIEW_QUERY };
  const record = params as Record<string, unknown>;
  const status = firstText(Object.hasOwn(record, "status") ? record.status : undefined);
  const search = firstText(Object.hasOwn(record, "q") ? record.q : undefined);
  return {
    status: (CLASS_VIEW_STATUSES as readonly string[]).includes(status ?? "") ? (status as ClassViewStatus) : null,
    search: (search ?? "").normalize("NFC").trim().toLowerCase().slice(0, MAX_CLASS_SEARCH),
  };
}

/** The view's address for a query: only what is set, in a fixed order. */
export function classViewHref(slug: string, query: Partial<ClassViewQuery>, base = `/teach/classes/${encodeURIComponent(slug)}`): string {
  const params = new URLSearchParams();
  if (query.status) params.set("status", query.status);
  if (query.search) params.set("q", query.search);
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

/**
 * How a template's instances are owned, from its composed owner claim, and so how a student's is found:
 * - `user`: the username (the default claim): the student's own environment, found by their username.
 * - `group`: the `groups` claim: one environment shared by everyone whose first group is the same. The cell
 *   shows that shared environment (and says so); acting on it acts for the whole group.
 * - `email`: the email address the account holds.
 * - `claim`: any other identity-provider claim, which the portal does not store: the environment is found by
 *   who launched it (the student's account), which is what launching records.
 */
export type Ownership = "user" | "group" | "email" | "claim";

const USERNAME_CLAIMS = new Set(["", "username", "preferred_username"]);

export function ownershipOf(ownerClaim: string, usernameClaim = "preferred_username"): Ownership {
  const claim = ownerClaim.trim();
  if (USERNAME_CLAIMS.has(claim) || claim === usernameClaim) return "user";
  if (claim === "groups") return "group";
  if (claim === "email") return "email";
  return "claim";
}

/** What the database knows of a student, enough to find their environments. */
export interface StudentAccount {
  userId: string;
  username: string;
  email: string | null;
  groups: string[];
}

/** The owner key a student's environment of a template has; null when it is found by who launched it instead (or they have none). */
export function studentOwnerKey(student: StudentAccount, ownership: Ownership): string | null {
  if (ownership === "user") return toOwnerKey(student.username);
  if (ownership === "group") return student.groups[0] ? toOwnerKey(student.groups[0]) : null;
  if (ownership === "email") return student.email ? toOwnerKey(student.email) : null;
  return null;
}

/** What one cell says. `starting` covers Pending and Provisioning; `ending` an environment being torn down. */
export type CellState = "not-started" | "starting" | "running" | "failed" | "ending";

/** What the view knows of an instance to place it in a cell. */
export interface CellInstance {
  phase: Phase;
  health: string | null;
  expiresAt: Date | null;
  deleted: boolean;
}

/** The state of a cell from its latest instance (null: never launched; ended ones count as not started). */
export function cellStateOf(instance: CellInstance | null): CellState {
  if (!instance || instance.deleted) return "not-started";
  if (instance.phase === "Failed") return "failed";
  if (instance.phase === "Expiring") return "ending";
  if ((RUNNING_PHASES as readonly Phase[]).includes(instance.phase)) return "running";
  // A launch whose last report is a problem is in trouble already, as the admin's "failed" filter reads it.
  return instance.health === "degraded" ? "failed" : "starting";
}

/** Whether a live cell runs out within CLASS_EXPIRING_WITHIN_SECONDS of `now` (or already has, awaiting the worker). */
export function isExpiringSoon(state: CellState, expiresAt: Date | null, now: Date): boolean {
  if (state !== "running" && state !== "starting") return false;
  return expiresAt !== null && expiresAt.getTime() - now.getTime() <= CLASS_EXPIRING_WITHIN_SECONDS * 1000;
}

export interface CellFacts {
  state: CellState;
  expiringSoon: boolean;
}

/** Whether a student's row has a cell the filter asks for. */
export function rowMatches(cells: CellFacts[], status: ClassViewStatus | null): boolean {
  if (status === null) return true;
  if (status === "expiring") return cells.some((cell) => cell.expiringSoon);
  return cells.some((cell) => cell.state === status);
}

export type ClassViewCounts = Record<"running" | "starting" | "failed" | "expiring" | "notStarted", number>;

/** How many cells are in each state (an environment that expires soon also counts as running or starting). */
export function countCells(cells: CellFacts[]): ClassViewCounts {
  const counts: ClassViewCounts = { running: 0, starting: 0, failed: 0, expiring: 0, notStarted: 0 };
  for (const cell of cells) {
    if (cell.state === "running") counts.running++;
    else if (cell.state === "starting") counts.starting++;
    else if (cell.state === "failed") counts.failed++;
    else if (cell.state === "not-started") counts.notStarted++;
    if (cell.expiringSoon) counts.expiring++;
  }
  return counts;
}

/** The summary line: "18 running · 2 failed · 10 not started" (states with none are left out, but for running). */
export function describeCounts(counts: ClassViewCounts): string {
  const parts = [`${counts.running} running`];
  if (counts.starting > 0) parts.push(`${counts.starting} starting`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.expiring > 0) parts.push(`${counts.expiring} expiring within 30 min`);
  parts.push(`${counts.notStarted} not started`);
  return parts.join(" · ");
}

/** Whether a student matches the search text (already lowercased). */
export function studentMatches(student: { username: string; displayName: string | null }, search: string): boolean {
  if (search === "") return true;
  return student.username.toLowerCase().includes(search) || (student.displayName ?? "").normalize("NFC").toLowerCase().includes(search);
}

export const CLASS_BULK_ACTIONS = ["end", "extend"] as const;
export type ClassBulkAction = (typeof CLASS_BULK_ACTIONS)[number];

/** What a teacher's bulk request acts on: environments by uuid, or students (every one when left out) of one template or all. */
export type ClassBulkSelection = { uuids: string[] } | { students: string[] | null; template: string | null };

export interface ClassBulkRequest {
  action: ClassBulkAction;
  selection: ClassBulkSelection;
  /** The count the caller confirmed; null when not given (the answer is then the question to confirm). */
  confirm: number | null;
  /** True to only ask what would happen. */
  dryRun: boolean;
}

type Errors = Record<string, string[]>;
const REQUEST_KEYS = ["action", "uuids", "students", "template", "confirm", "dryRun"];
// Usernames from an identity provider may hold any character: a student is named exactly as the class lists them.
const USERNAME = /^[^\u0000]{1,63}$/u;
const TEMPLATE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function add(errors: Errors, name: string, message: string): void {
  Object.defineProperty(errors, name, { value: [...(Object.hasOwn(errors, name) ? errors[name]! : []), message], enumerable: true, configurable: true, writable: true });
}

/** Reads a list of distinct names (uuids, usernames) of at most MAX_CLASS_BULK, each matching `pattern`. */
function readNames(errors: Errors, field: string, raw: unknown, pattern: RegExp, what: string): string[] | null {
  if (!Array.isArray(raw) || raw.length === 0) return add(errors, field, `must be a list of one or more ${what}`), null;
  if (raw.length > MAX_CLASS_BULK) return add(errors, field, `lists ${raw.length}: a bulk action takes at most ${MAX_CLASS_BULK}`), null;
  if (!raw.every((value) => typeof value === "string" && pattern.test(value))) return add(errors, field, `must hold ${what} only`), null;
  if (new Set(raw).size !== raw.length) return add(errors, field, "names one more than once"), null;
  return raw as string[];
}

/**
 * Reads a teacher's bulk request (a JSON body). Anything it does not understand is an error per field, so a
 * mistyped request never acts on something else than what was meant. Whether each environment belongs to the
 * class is decided later, against the class.
 */
export function parseClassBulkRequest(input: unknown): { ok: true; value: ClassBulkRequest } | { ok: false; errors: Errors } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { ok: false, errors: { body: ["must be an object"] } };
  const body = input as Record<string, unknown>;
  const errors: Errors = {};
  for (const key of Object.keys(body)) if (!REQUEST_KEYS.includes(key)) add(errors, key.slice(0, 80), `is not a field of a bulk action (use ${REQUEST_KEYS.join(", ")})`);
  if (!(CLASS_BULK_ACTIONS as readonly unknown[]).includes(body.action)) add(errors, "action", `must be one of ${CLASS_BULK_ACTIONS.join(", ")}`);

  let selection: ClassBulkSelection | null = null;
  if (body.uuids !== undefined) {
    if (body.students !== undefined || body.template !== undefined) add(errors, "selection", "give either uuids, or students and a template, not both");
    const uuids = readNames(errors, "uuids", body.uuids, INSTANCE_UUID, "environment ids (8 lowercase hexadecimal characters)");
    if (uuids) selection = { uuids };
  } else {
    const students = body.students === undefined || body.students === null ? null : readNames(errors, "students", body.students, USERNAME, "usernames");
    let template: string | null = null;
    if (body.template !== undefined && body.template !== null) {
      if (typeof body.template !== "string" || !TEMPLATE_NAME.test(body.template)) add(errors, "template", "must be a template's name (lowercase letters, digits and dashes)");
      else template = body.template;
    }
    if (!Object.hasOwn(errors, "students")) selection = { students, template };
  }

  let confirm: number | null = null;
  if (body.confirm !== undefined && body.confirm !== null) {
    if (typeof body.confirm !== "number" || !Number.isInteger(body.confirm) || body.confirm < 0 || body.confirm > MAX_CLASS_BULK) add(errors, "confirm", `must be the number of environments confirmed, from 0 to ${MAX_CLASS_BULK}`);
    else confirm = body.confirm;
  }
  let dryRun = false;
  if (body.dryRun !== undefined) {
    if (typeof body.dryRun !== "boolean") add(errors, "dryRun", "Use true or false.");
    else dryRun = body.dryRun;
  }
  if (Object.keys(errors).length > 0 || !selection) return { ok: false, errors };
  return { ok: true, value: { action: body.action as ClassBulkAction, selection, confirm, dryRun } };
}

/** The confirmation's question: "End 12 environments of Web Terminal?". */
export function classBulkQuestion(action: ClassBulkAction, count: number, templateName: string | null): string {
  return `${action === "end" ? "End" : "Extend"} ${count} environment${count === 1 ? "" : "s"}${templateName ? ` of ${templateName}` : ""}?`;
}

/** Whether a uuid is well formed (a route's path parameter). */
export function isInstanceUuid(value: unknown): value is string {
  return typeof value === "string" && INSTANCE_UUID.test(value);
}
