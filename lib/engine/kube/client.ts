import "server-only";
import { Agent, type RequestOptions } from "node:https";
import {
  createConfiguration,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
  Watch,
  type KubernetesObject,
  type RequestContext,
} from "@kubernetes/client-node";
import { isObjectNotFound, toEngineError } from "./errors";

/** Field manager of every server-side apply, so `kubectl get --show-managed-fields` shows what is ours. */
export const FIELD_MANAGER = "envdeck";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type KubeObject = KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/**
 * The few Kubernetes operations Envdeck needs, on @kubernetes/client-node: server-side apply, read, delete,
 * list by label and watch. Every failure becomes an EngineError with a message fit for an admin.
 */
export class KubeClient {
  private readonly objects: KubernetesObjectApi;
  readonly server: string;

  constructor(readonly config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    this.server = cluster?.server ?? "(no server)";
    // The client library makes a new TLS agent, and so a new TLS handshake, for every request. One
    // keep-alive agent with the same TLS settings reuses connections: several times faster per request.
    let agent: Promise<Agent> | null = null;
    const keepAlive = async (context: RequestContext) => {
      agent ??= (async () => {
        const options: RequestOptions = {};
        await config.applyToHTTPSOptions(options);
        const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = options as RequestOptions & { servername?: string };
        return new Agent({ ca, cert, key, pfx, passphrase, rejectUnauthorized, servername, keepAlive: true, maxSockets: 32 });
      })();
      context.setAgent(await agent);
      return context;
    };
    this.objects = new KubernetesObjectApi(
      createConfiguration({
        baseServer: new ServerConfiguration(this.server, {}),
        authMethods: { default: config },
        // Through a proxy the library's own (proxy) agent must stay.
        promiseMiddleware: cluster?.proxyUrl ? [] : [{ pre: keepAlive, post: async (response) => response }],
      }),
    );
  }

  /** Server-side apply: creates or updates the fields Envdeck owns, taking them over from anyone else. */
  async apply<T extends KubeObject>(object: T): Promise<T> {
    const ref = { apiVersion: object.apiVersion!, kind: object.kind!, name: object.metadata!.name!, namespace: object.metadata?.namespace };
    try {
      return await this.objects.patch<T>(structuredClone(object), undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw toEngineError(error, `apply ${describe(ref)}`, this.server);
    }
  }

  /** Reads an object; undefined when it does not exist. */
  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.objects.read<T>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
    } catch (error) {
      if (isObjectNotFound(error)) return undefined;
      throw toEngineError(error, `read ${describe(ref)}`, this.server);
    }
  }

  /** Deletes an object (children in the background); true when it was still there. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }, undefined, undefined, undefined, undefined, "Background");
      return true;
    } catch (error) {
      if (isObjectNotFound(error)) return false;
      throw toEngineError(error, `delete ${describe(ref)}`, this.server);
    }
  }

  /** Lists objects of a kind in every namespace by label selector. */
  async list<T extends KubeObject>(apiVersion: string, kind: string, labelSelector: string): Promise<{ items: T[]; resourceVersion: string }> {
    try {
      const list = await this.objects.list<T>(apiVersion, kind, undefined, undefined, undefined, undefined, undefined, labelSelector);
      return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? "" };
    } catch (error) {
      throw toEngineError(error, `list ${kind} objects`, this.server);
    }
  }

  /**
   * Watches a collection path from a resource version. Resolves when the watch ends (the server closes watches
   * every few minutes); rejects on error, with `gone` set when the version is too old and a re-list is needed.
   */
  watch<T extends KubeObject>(
    path: string,
    query: { labelSelector: string; resourceVersion: string },
    onEvent: (type: "ADDED" | "MODIFIED" | "DELETED", object: T) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      let gone = false;
      const watch = new Watch(this.config);
      const done = (error: unknown) => {
        if (gone) reject(Object.assign(new Error("watch resource version expired"), { gone: true }));
        else if (error && !signal.aborted && (error as Error).name !== "AbortError" && (error as Error).name !== "TimeoutError") {
          reject(toEngineError(error, `watch ${path}`, this.server));
        } else resolve();
      };
      watch
        .watch(path, { ...query, timeoutSeconds: 300 }, (type, object: T & { code?: number }) => {
          if (type === "ERROR") {
            if (object.code === 410) gone = true;
            return;
          }
          if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") onEvent(type, object);
        }, done)
        .then((controller) => {
          const abort = () => controller.abort();
          if (signal.aborted) abort();
          else signal.addEventListener("abort", abort, { once: true });
        }, reject);
    });
  }
}

export { KubeConfig };
