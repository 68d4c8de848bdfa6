import { db } from "@/lib/db/client";

/**
 * A hand-made history of environments for usage reports, shared by the integration test and the e2e journey.
 * The range is the ten days from `USAGE_FIXTURE_FROM` (UTC): 2026-10-01 to 2026-10-10, both included. Each
 * instance row is inserted as it ends up, and its history (normally written by a trigger at the moment each
 * change happens) is replaced by the moments listed here.
 *
 * Templates: `a` and `b` are in the class's catalogs, `c` is not; `g` (optional, with `group`), owned by
 * groups, is. Owners: `s1`, `s2`, `s3` are members, `outsider` is not; `group` is the first group of `s3`.
 *
 * Expected figures (time used in the range; launches and claims that started in it; failures: launches that
 * failed before they were ready; median time to ready over those that were ready):
 * - s1: 8 h 30 min = 30 600 000 ms; 4 launches; 0 failures; median (0, 60, 120, 240 s) = 90 s.
 *   a: 7 h, 3 launches, median 120 s. b: 1 h 30 min, 1 launch (a claim), median 0 s.
 * - s2: 5 h 10 min = 18 600 000 ms; 3 launches; 1 failure; median (0, 0 s) = 0 s.
 *   a: 2 h 10 min (one launch before the range clipped to 2 h, one failed after 10 min), 1 launch, 1 failure,
 *   no median. b: 3 h, 2 launches (claims), median 0 s.
 * - s3: 30 min = 1 800 000 ms; 1 launch; median 90 s (deleted without teardown).
 * - group (template g): 3 h = 10 800 000 ms; 1 launch; median 30 s.
 * Nothing of the outsider, of template c, of the pool's unclaimed time, or of spans wholly outside the range.
 */

export const USAGE_FIXTURE_FROM = "2026-10-01";
export const USAGE_FIXTURE_TO = "2026-10-10";

const D = Date.parse("2026-10-01T00:00:00Z");
const H = 3_600_000;
const M = 60_000;
const S = 1000;
/** An instant `days` days and `ms` after the range's start. */
const at = (days: number, ms = 0) => new Date(D + days * 24 * H + ms);

type Phase = "Pending" | "Provisioning" | "Ready" | "Available" | "Claimed" | "Expiring" | "Failed";
type OwnerRole = "s1" | "s2" | "s3" | "outsider" | "group";
type TemplateRole = "a" | "b" | "c" | "g";

interface Moment {
  at: Date;
  phase: Phase;
  owner: OwnerRole | null;
  deleted?: boolean;
}

interface FixtureInstance {
  template: TemplateRole;
  pooled: boolean;
  history: Moment[];
}

const launch = (owner: OwnerRole, start: Date, readyAfterMs: number | null, end?: { at: Date; phase: "Expiring" | "Failed" | "deleted" }, failAfterMs?: number): Moment[] => {
  const moments: Moment[] = [
    { at: start, phase: "Pending", owner },
    { at: new Date(start.getTime() + 1000), phase: "Provisioning", owner },
  ];
  if (readyAfterMs !== null) moments.push({ at: new Date(start.getTime() + readyAfterMs), phase: "Ready", owner });
  if (failAfterMs !== undefined) moments.push({ at: new Date(start.getTime() + failAfterMs), phase: "Failed", owner });
  if (end?.phase === "deleted") moments.push({ at: end.at, phase: moments.at(-1)!.phase, owner, deleted: true });
  else if (end) moments.push({ at: end.at, phase: end.phase, owner }, { at: new Date(end.at.getTime() + 5 * M), phase: end.phase, owner, deleted: true });
  return moments;
};

/** A pool member made the day before `made`, Available a minute later. */
const warm = (made: Date): Moment[] => [
  { at: made, phase: "Pending", owner: null },
  { at: new Date(made.getTime() + S), phase: "Provisioning", owner: null },
  { at: new Date(made.getTime() + M), phase: "Available", owner: null },
];

export function usageFixtureInstances(withGroup: boolean): FixtureInstance[] {
  const instances: FixtureInstance[] = [
    // s1, a: ended by its owner after 2 h; ready after 120 s.
    { template: "a", pooled: false, history: launch("s1", at(1, 10 * H), 2 * M, { at: at(1, 12 * H), phase: "Expiring" }) },
    // s1, a: expired after 4 h; ready after 240 s.
    { template: "a", pooled: false, history: launch("s1", at(2, 9 * H), 4 * M, { at: at(2, 13 * H), phase: "Expiring" }) },
    // b: a pool member claimed by s1 for 1 h 30 min, sent back to its pool, claimed by s2 for 1 h, released.
    {
      template: "b",
      pooled: true,
      history: [
        ...warm(at(-1)),
        { at: at(3, 10 * H), phase: "Claimed", owner: "s1" },
        { at: at(3, 11 * H + 30 * M), phase: "Available", owner: null },
        { at: at(4, 8 * H), phase: "Claimed", owner: "s2" },
        { at: at(4, 9 * H), phase: "Expiring", owner: "s2" },
        { at: at(4, 9 * H + M), phase: "Expiring", owner: "s2", deleted: true },
      ],
    },
    // s2, a: failed 10 min after its launch, never ready, ended later.
    { template: "a", pooled: false, history: launch("s2", at(5, 10 * H), null, { at: at(5, 11 * H), phase: "Expiring" }, 10 * M) },
    // s2, a: launched before the range, ended 2 h into it.
    { template: "a", pooled: false, history: launch("s2", at(-1, 22 * H), 3 * M, { at: at(0, 2 * H), phase: "Expiring" }) },
    // s1, a: launched an hour before the range ends, still running.
    { template: "a", pooled: false, history: launch("s1", at(9, 23 * H), M) },
    // s2, b: a pool member claimed for 2 h.
    {
      template: "b",
      pooled: true,
      history: [
        ...warm(at(5)),
        { at: at(6, 14 * H), phase: "Claimed", owner: "s2" },
        { at: at(6, 16 * H), phase: "Expiring", owner: "s2" },
        { at: at(6, 16 * H + M), phase: "Expiring", owner: "s2", deleted: true },
      ],
    },
    // The outsider, a: not a member.
    { template: "a", pooled: false, history: launch("outsider", at(3, 10 * H), M, { at: at(3, 11 * H), phase: "Expiring" }) },
    // s1, c: not in the class's catalogs.
    { template: "c", pooled: false, history: launch("s1", at(3, 10 * H), M, { at: at(3, 15 * H), phase: "Expiring" }) },
    // b: a pool member nobody claimed, rolled after a day.
    { template: "b", pooled: true, history: [...warm(at(1)), { at: at(2, 0), phase: "Expiring", owner: null }, { at: at(2, M), phase: "Expiring", owner: null, deleted: true }] },
    // s1, a: wholly before the range.
    { template: "a", pooled: false, history: launch("s1", at(-3, 10 * H), M, { at: at(-3, 11 * H), phase: "Expiring" }) },
    // s1, b: claimed after the range.
    { template: "b", pooled: true, history: [...warm(at(10)), { at: at(11, 9 * H), phase: "Claimed", owner: "s1" }] },
    // s3, a: ready after 90 s, deleted after 30 min without a teardown first.
    { template: "a", pooled: false, history: launch("s3", at(8, 10 * H), 90 * S, { at: at(8, 10 * H + 30 * M), phase: "deleted" }) },
  ];
  // group, g: a group's shared environment for 3 h, ready after 30 s.
  if (withGroup) instances.push({ template: "g", pooled: false, history: launch("group", at(7, 10 * H), 30 * S, { at: at(7, 13 * H), phase: "Expiring" }) });
  return instances;
}

/**
 * Inserts the fixture: `uuidPrefix` (4 hex characters) makes its instances' uuids, so a second run replaces
 * the first. `owners` maps each role to its owner key; `templates` each template role to its id.
 */
export async function insertUsageFixture(options: {
  uuidPrefix: string;
  owners: Record<Exclude<OwnerRole, "group">, string> & { group?: string };
  templates: Record<Exclude<TemplateRole, "g">, string> & { g?: string };
}): Promise<string[]> {
  const client = db();
  const instances = usageFixtureInstances(options.owners.group !== undefined && options.templates.g !== undefined);
  const uuids = instances.map((_, i) => `${options.uuidPrefix}${i.toString(16).padStart(4, "0")}`);
  await client.instance.deleteMany({ where: { uuid: { in: uuids } } });
  for (const [i, instance] of instances.entries()) {
    const templateId = options.templates[instance.template]!;
    const version = await client.templateVersion.findFirstOrThrow({ where: { templateId }, orderBy: { version: "desc" } });
    const first = instance.history[0]!;
    const last = instance.history.at(-1)!;
    const ownerOf = (role: OwnerRole | null) => (role === null ? null : options.owners[role]!);
    const claim = instance.pooled ? [...instance.history].reverse().find((m) => m.phase === "Claimed" && m.owner !== null) : undefined;
    const ready = instance.history.find((m) => m.phase === "Ready" || m.phase === "Available");
    const row = await client.instance.create({
      data: {
        uuid: uuids[i]!,
        templateId,
        templateVersionId: version.id,
        ownerKey: ownerOf(last.owner),
        phase: last.phase,
        pooled: instance.pooled,
        claimedAt: last.owner !== null && claim ? claim.at : null,
        createdAt: first.at,
        readyAt: ready?.at ?? null,
        deletedAt: last.deleted ? last.at : null,
        message: "usage report fixture",
      },
      select: { id: true },
    });
    await client.instanceEvent.deleteMany({ where: { instanceId: row.id } });
    await client.instanceEvent.createMany({
      data: instance.history.map((m) => ({ instanceId: row.id, at: m.at, phase: m.phase, ownerKey: ownerOf(m.owner), deleted: m.deleted ?? false })),
    });
  }
  return uuids;
}
