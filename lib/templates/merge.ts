import { isDeepStrictEqual } from "node:util";

/**
 * Merging template layers (base → concrete → repository override):
 * - scalars: the child wins (null included, to clear a value);
 * - mappings: merged key by key, recursively; keys of either side are kept;
 * - sequences: appended by default, or as the strategy registered for the path says.
 * Strategies are looked up by exact dotted path ("spec.env"), then by the longest registered dotted suffix
 * ("containers.env" matches "spec.containers.env"), then by the bare key ("env").
 */

export type MergeStrategy = "merge" | "append" | "replace" | "union" | { unionBy: string };
export type StrategyTable = Readonly<Record<string, MergeStrategy>>;

/** Sensible defaults for Kubernetes-shaped values: named lists merge by name instead of duplicating. */
export const DEFAULT_STRATEGIES: StrategyTable = {
  env: { unionBy: "name" },
  volumes: { unionBy: "name" },
  volumeMounts: { unionBy: "name" },
  containers: { unionBy: "name" },
  initContainers: { unionBy: "name" },
  ports: { unionBy: "name" },
};

export function strategyFor(path: readonly string[], table: StrategyTable): MergeStrategy | undefined {
  if (path.length === 0) return undefined;
  const dotted = path.join(".");
  if (table[dotted]) return table[dotted];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (key.includes(".") && dotted.endsWith(`.${key}`) && (!best || key.length > best.length)) best = key;
  }
  if (best) return table[best];
  return table[path[path.length - 1]!];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Deep copy of plain data; other objects (such as parsed `!cel` expressions) are immutable and shared. */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: clone(item), enumerable: true, writable: true, configurable: true });
    }
    return copy as T;
  }
  return value;
}

/** Merges `child` over `parent` by the rules above. Neither input is modified. */
export function mergeValues(parent: unknown, child: unknown, table: StrategyTable = DEFAULT_STRATEGIES, path: readonly string[] = []): unknown {
  if (child === undefined) return clone(parent);
  if (parent === undefined) return clone(child);
  const strategy = strategyFor(path, table);
  if (strategy === "replace") return clone(child);

  if (isPlainObject(parent) && isPlainObject(child)) {
    const result: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(parent), ...Object.keys(child)])) {
      // defineProperty, so a key named "__proto__" is data and never a prototype change.
      Object.defineProperty(result, key, {
        value: mergeValues(parent[key], child[key], table, [...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }

  if (Array.isArray(parent) && Array.isArray(child)) {
    if (strategy === "union") {
      const result = clone(parent) as unknown[];
      for (const item of child) if (!result.some((existing) => isDeepStrictEqual(existing, item))) result.push(clone(item));
      return result;
    }
    if (strategy && typeof strategy === "object") {
      const key = strategy.unionBy;
      const result = clone(parent) as unknown[];
      for (const item of child) {
        const id = isPlainObject(item) ? item[key] : undefined;
        const index = id === undefined ? -1 : result.findIndex((existing) => isPlainObject(existing) && isDeepStrictEqual(existing[key], id));
        if (index >= 0) result[index] = mergeValues(result[index], item, table, [...path, String(index)]);
        else result.push(clone(item));
      }
      return result;
    }
    return [...clone(parent), ...clone(child)];
  }

  return clone(child);
}

/** Merges layers in order, first = root. */
export function mergeLayers(layers: unknown[], table: StrategyTable = DEFAULT_STRATEGIES): unknown {
  return layers.reduce((acc, layer) => mergeValues(acc, layer, table), undefined);
}
