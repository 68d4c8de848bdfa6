import "server-only";
import type { AdminInstanceRecord, InstanceDetailRow } from "@/lib/db/instances";
import { releaseName } from "@/lib/domain/naming";
import type { Phase } from "@/lib/domain/phase";
import { describeProblem, type Problem } from "@/lib/domain/problems";
import { decideExtend, extensionsLeft } from "@/lib/domain/ttl";
import type { RecordedCondition } from "@/lib/engine/flux/status";

/**
 * What admins see of an instance: every column of the list (Dploy's manager's and more) and, for one, its
 * parameters, rendered values, Flux's conditions and its history. Unlike EnvironmentView this includes what
 * stays server-side for owners (the rendered values), and torn-down instances stay visible.
 */
export interface AdminEnvironmentRow {
  uuid: string;
  /** The environment's name in the cluster: its Helm release, `<template>-<uuid>`. */
  name: string;
  template: string;
  displayName: string;
  /** True when its template has been deleted since (the environment may still run). */
  templateDeleted: boolean;
  version: number;
  /** The owner key; null for a pool member nobody claimed. */
  owner: string | null;
  pooled: boolean;
  phase: Phase;
  health: string | null;
  step: string | null;
  /** What is wrong, with the words students read and the fix for staff; null while nothing is. */
  problem: Problem | null;
  message: string | null;
  url: string | null;
  namespace: string | null;
  createdAt: string;
  expiresAt: string | null;
  /** When the worker finished tearing it down; null while it lives. */
  endedAt: string | null;
  extendCount: number;
  maxExtends: number;
  /** Extensions still possible; null when it never expires. */
  extensionsLeft: number | null;
}

export interface InstanceHistoryEntry {
  at: string;
  phase: Phase;
  step: string | null;
  health: string | null;
  owner: string | null;
  message: string | null;
  /** True for the moment it was torn down. */
  ended: boolean;
}

export interface InstanceAuditEntry {
  at: string;
  actor: string;
  action: string;
  before: unknown;
  after: unknown;
}

export interface AdminEnvironmentDetail extends AdminEnvironmentRow {
  method: "on_demand" | "pool";
  /** How much an extension adds, in seconds (the template's setting). */
  extendSeconds: number;
  params: Record<string, unknown>;
  /** The Helm values rendered at launch, as the worker applies them. */
  values: Record<string, unknown>;
  valueFiles: string[];
  connectionMessage: string | null;
  engine: string;
  engineRef: string | null;
  /** The conditions Flux last reported for its HelmRelease and chart source; null before the worker read any. */
  conditions: RecordedCondition[] | null;
  claimedAt: string | null;
  readyAt: string | null;
  stepStartedAt: string | null;
  /** Who launched or claimed it; null for a pool member, or when the account is gone. */
  createdBy: string | null;
  history: InstanceHistoryEntry[];
  audit: InstanceAuditEntry[];
  /** What an admin can do now, each with why not when not (null when it can). */
  actions: { extend: string | null; end: string | null; retry: string | null };
  observedAt: string;
}

type RowSource = Pick<
  AdminInstanceRecord,
  "uuid" | "ownerKey" | "pooled" | "phase" | "health" | "step" | "message" | "url" | "namespace" | "createdAt" | "expiresAt" | "deletedAt" | "extendCount"
> & { template: string; displayName: string; templateDeleted: boolean; version: number; ttlSeconds: number; ttlExtendSeconds: number; ttlMaxExtends: number };

export function toAdminEnvironmentRow(row: RowSource): AdminEnvironmentRow {
  const policy = { ttlSeconds: row.ttlSeconds, extendSeconds: row.ttlExtendSeconds, maxExtends: row.ttlMaxExtends };
  return {
    uuid: row.uuid,
    name: releaseName(row.template, row.uuid),
    template: row.template,
    displayName: row.displayName,
    templateDeleted: row.templateDeleted,
    version: row.version,
    owner: row.ownerKey,
    pooled: row.pooled,
    phase: row.phase,
    health: row.health,
    step: row.step,
    problem: row.deletedAt ? null : describeProblem(row),
    message: row.message,
    url: row.url,
    namespace: row.namespace,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    endedAt: row.deletedAt?.toISOString() ?? null,
    extendCount: row.extendCount,
    maxExtends: policy.maxExtends,
    extensionsLeft: extensionsLeft(policy, row),
  };
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toAdminEnvironmentDetail(row: InstanceDetailRow, audit: { at: Date; actorName: string; action: string; before: unknown; after: unknown }[], now: Date): AdminEnvironmentDetail {
  const base = toAdminEnvironmentRow({
    ...row,
    phase: row.phase as Phase,
    template: row.template.name,
    displayName: row.template.displayName,
    templateDeleted: row.template.deletedAt !== null,
    version: row.templateVersion.version,
    ttlSeconds: row.template.ttlSeconds,
    ttlExtendSeconds: row.template.ttlExtendSeconds,
    ttlMaxExtends: row.template.ttlMaxExtends,
  });
  const ended = row.deletedAt ? "It has been torn down." : row.phase === "Expiring" ? "It is being torn down." : null;
  const policy = { ttlSeconds: row.template.ttlSeconds, extendSeconds: row.template.ttlExtendSeconds, maxExtends: row.template.ttlMaxExtends };
  const extend = decideExtend(policy, { phase: row.phase as Phase, expiresAt: row.expiresAt, extendCount: row.extendCount }, now);
  return {
    ...base,
    method: row.template.method,
    extendSeconds: row.template.ttlExtendSeconds,
    params: (row.params ?? {}) as Record<string, unknown>,
    values: (row.values ?? {}) as Record<string, unknown>,
    valueFiles: row.valueFiles,
    connectionMessage: row.connectionMessage,
    engine: row.engine,
    engineRef: row.engineRef,
    conditions: Array.isArray(row.conditions) ? (row.conditions as unknown as RecordedCondition[]) : null,
    claimedAt: iso(row.claimedAt),
    readyAt: iso(row.readyAt),
    stepStartedAt: iso(row.stepStartedAt),
    createdBy: row.creatorName,
    history: row.events.map((event) => ({
      at: event.at.toISOString(),
      phase: event.phase as Phase,
      step: event.step,
      health: event.health,
      owner: event.ownerKey,
      message: event.message,
      ended: event.deleted,
    })),
    audit: audit.map((entry) => ({ at: entry.at.toISOString(), actor: entry.actorName, action: entry.action, before: entry.before, after: entry.after })),
    actions: {
      extend: ended ?? (extend.ok ? null : extend.message),
      end: ended,
      retry: ended ?? (row.phase === "Failed" ? (row.ownerKey ? null : "Nobody claimed it: the pool replaces a member that failed.") : "Only an environment that failed to start can be retried."),
    },
    observedAt: now.toISOString(),
  };
}
