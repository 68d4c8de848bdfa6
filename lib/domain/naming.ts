/**
 * Names of an instance's cluster objects. Kubernetes names and label values have hard limits; everything here
 * returns a valid DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most
 * 63 characters) whatever the input, and keeps the instance uuid so two instances never share a name.
 */

export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Helm release names are capped at 53 characters. */
export const MAX_RELEASE_NAME = 53;
export const INSTANCE_UUID = /^[0-9a-f]{8}$/;

/** Lowercases and replaces anything outside [a-z0-9-]; trims dashes; at most `max` characters. */
export function toDnsLabelPart(input: string, max = 63): string {
  return input
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .slice(0, max)
    .replace(/^-+|-+$/g, "");
}

/**
 * The namespace of an instance: `<owner>-<template>-<uuid>`, or `pool-<template>-<uuid>` for a pool member
 * created before anyone claimed it (a namespace cannot be renamed, so a claimed member keeps its pool name
 * and carries its owner as a label). When too long, the owner part is shortened first, then the template
 * part; the uuid is always kept whole.
 */
export function instanceNamespace(input: { ownerKey: string | null; template: string; uuid: string; pooled: boolean }): string {
  if (!INSTANCE_UUID.test(input.uuid)) throw new Error(`invalid instance uuid "${input.uuid}"`);
  const prefix = input.pooled || !input.ownerKey ? "pool" : toDnsLabelPart(input.ownerKey) || "user";
  const template = toDnsLabelPart(input.template) || "template";
  const budget = 63 - input.uuid.length - 2;
  const templatePart = toDnsLabelPart(template, Math.max(budget - 1 - Math.min(prefix.length, 4), 1)) || "t";
  const prefixPart = toDnsLabelPart(prefix, budget - templatePart.length) || "u";
  return `${prefixPart}-${templatePart}-${input.uuid}`;
}

/** The Helm release (and HelmRelease object) name: `<template>-<uuid>`, within Helm's 53 characters. */
export function releaseName(template: string, uuid: string): string {
  const part = toDnsLabelPart(template, MAX_RELEASE_NAME - uuid.length - 1) || "release";
  return `${part}-${uuid}`;
}

/** A valid label value (empty when nothing usable is left). */
export function toLabelValue(input: string): string {
  return input
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** The default host name of an instance (the last resort of a connection URL): `<template>-<uuid>.<baseDomain>`. */
export function defaultHost(template: string, uuid: string, baseDomain: string): string {
  return `${releaseName(template, uuid)}.${baseDomain}`;
}
