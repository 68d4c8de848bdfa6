import { INSTANCE_UUID } from "./naming";
import { addError, parseInstanceFilter, type InstanceListFilter, type ParameterErrors, type Parsed } from "./instance-list";
import type { Phase } from "./phase";
import { decideExtend, type TtlPolicy } from "./ttl";

/**
 * Bulk actions on environments: what an admin may ask for (the selected rows, or every row a filter matches),
 * and what becomes of each environment, decided on its row as it is. Pure, so every case is unit-tested; the
 * use cases lock the rows and decide again on what they read under the lock.
 */

export const BULK_ACTIONS = ["end", "extend"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The most environments one bulk action touches: more is refused, with the count, rather than done in part. */
export const MAX_BULK = 100;

/** What a bulk action is asked to act on: rows picked by uuid, or every live row a filter matches now. */
export type BulkSelection = { uuids: string[] } | { filter: InstanceListFilter };

export interface BulkRequest {
  action: BulkAction;
  selection: BulkSelection;
  /** The count the caller confirmed; null when not given yet (the answer is then the question to confirm). */
  confirm: number | null;
}

const REQUEST_KEYS = ["action", "uuids", "filter", "confirm"];

/**
 * Reads a bulk request from a JSON body or a form's fields. Anything it does not understand is an error per
 * field, so a mistyped request never acts on something else than what was meant.
 */
export function parseBulkRequest(input: unknown): Parsed<BulkRequest> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { ok: false, errors: { body: ["must be an object"] } };
  const body = input as Record<string, unknown>;
  const errors: ParameterErrors = {};
  for (const key of Object.keys(body)) {
    if (!REQUEST_KEYS.includes(key)) addError(errors, key.slice(0, 80), `is not a field of a bulk action (use ${REQUEST_KEYS.join(", ")})`);
  }
  const action = body.action;
  if (!(BULK_ACTIONS as readonly unknown[]).includes(action)) errors.action = [`must be one of ${BULK_ACTIONS.join(", ")}`];

  let selection: BulkSelection | null = null;
  if ((body.uuids === undefined) === (body.filter === undefined)) {
    errors.selection = ["give either uuids (the environments picked) or filter (every environment it matches), not both"];
  } else if (body.uuids !== undefined) {
    const uuids = body.uuids;
    if (!Array.isArray(uuids) || uuids.length === 0) errors.uuids = ["must be a list of one or more environment ids"];
    else if (uuids.length > MAX_BULK) errors.uuids = [`lists ${uuids.length} environments: a bulk action takes at most ${MAX_BULK}`];
    else if (!uuids.every((uuid) => typeof uuid === "string" && INSTANCE_UUID.test(uuid))) errors.uuids = ["must hold environment ids only (8 lowercase hexadecimal characters)"];
    else if (new Set(uuids).size !== uuids.length) errors.uuids = ["names an environment more than once"];
    else selection = { uuids: uuids as string[] };
  } else {
    const filter = parseInstanceFilter(body.filter);
    if (!filter.ok) for (const [key, messages] of Object.entries(filter.errors)) for (const message of messages) addError(errors, key === "filter" ? "filter" : `filter.${key}`, message);
    else if (filter.value.show !== "live") errors["filter.show"] = ["a bulk action acts on live environments only"];
    else selection = { filter: filter.value };
  }

  let confirm: number | null = null;
  if (body.confirm !== undefined && body.confirm !== null) {
    const value = typeof body.confirm === "string" && /^[0-9]{1,4}$/.test(body.confirm) ? Number(body.confirm) : body.confirm;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_BULK) errors.confirm = [`must be the number of environments confirmed, from 0 to ${MAX_BULK}`];
    else confirm = value;
  }
  if (Object.keys(errors).length > 0 || !selection) return { ok: false, errors };
  return { ok: true, value: { action: action as BulkAction, selection, confirm } };
}

/** What is known of one environment when deciding: its row, with its template's TTL policy; null when there is none. */
export interface BulkTarget {
  uuid: string;
  phase: Phase;
  deleted: boolean;
  expiresAt: Date | null;
  extendCount: number;
  policy: TtlPolicy;
}

export type BulkOutcome = "ended" | "extended" | "already-ending" | "refused" | "not-found";

export type BulkDecision =
  | { outcome: "ended"; reason: null }
  | { outcome: "extended"; reason: null; expiresAt: Date; extendCount: number }
  | { outcome: "already-ending" | "refused" | "not-found"; reason: string };

/** What becomes of one environment. Nothing here refuses to end a live one: an admin may end any. */
export function decideBulkItem(action: BulkAction, target: BulkTarget | null, now: Date): BulkDecision {
  if (!target) return { outcome: "not-found", reason: "There is no such environment." };
  if (target.deleted) return { outcome: "already-ending", reason: "It has already been torn down." };
  if (target.phase === "Expiring") return { outcome: "already-ending", reason: "It is already being torn down." };
  if (action === "end") return { outcome: "ended", reason: null };
  const decision = decideExtend(target.policy, target, now);
  if (!decision.ok) return { outcome: "refused", reason: decision.message };
  return { outcome: "extended", reason: null, expiresAt: decision.expiresAt, extendCount: decision.extendCount };
}

/** How many environments each outcome got. */
export type BulkCounts = Record<BulkOutcome, number>;

export function countOutcomes(items: { outcome: BulkOutcome }[]): BulkCounts {
  const counts: BulkCounts = { ended: 0, extended: 0, "already-ending": 0, refused: 0, "not-found": 0 };
  for (const item of items) counts[item.outcome]++;
  return counts;
}

function environments(n: number): string {
  return `${n} environment${n === 1 ? "" : "s"}`;
}

/** The question a confirmation asks: "End 12 environments?". */
export function bulkQuestion(action: BulkAction, count: number): string {
  return `${action === "end" ? "End" : "Extend"} ${environments(count)}?`;
}

/** What a bulk action did (or, with `planned`, will do), in one sentence. */
export function describeOutcomes(action: BulkAction, counts: BulkCounts, options: { planned?: boolean } = {}): string {
  const planned = options.planned ?? false;
  const done = action === "end" ? counts.ended : counts.extended;
  const verb = action === "end" ? (planned ? "Ends" : "Ended") : planned ? "Extends" : "Extended";
  const parts = [`${verb} ${environments(done)}`];
  if (counts["already-ending"] > 0) parts.push(`${counts["already-ending"]} already ending`);
  if (counts.refused > 0) parts.push(`${counts.refused} refused`);
  if (counts["not-found"] > 0) parts.push(`${counts["not-found"]} not found`);
  return `${parts.join("; ")}.`;
}

/** Why a filter cannot be acted on in bulk: it matches more than one bulk action takes. */
export function tooManyMessage(count: number): string {
  return `This filter matches ${environments(count)}: a bulk action takes at most ${MAX_BULK}. Narrow the filter (a template, an owner, a phase) and act in parts.`;
}
