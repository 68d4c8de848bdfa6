import type { InstanceManifestInput } from "./flux/manifests";
import type { RecordedCondition, ReleaseStatus } from "./flux/status";

/**
 * What the controllers need from an engine: Flux is the only one today, but nothing outside lib/engine
 * knows that.
 */

/** Everything needed to deploy one instance. */
export type InstanceDeployment = InstanceManifestInput;

export interface InstanceKey {
  template: string;
  uuid: string;
  namespace: string;
  /** Where the release lives when not in `namespace`; unknown (undefined) lets teardown ask the namespace. */
  releaseNamespace?: string | null;
}

export interface ObservedInstance {
  /** False when the release object does not exist (never applied, or deleted behind our back). */
  exists: boolean;
  /** Hash of the desired objects when they were last applied; a different desired hash means apply again. */
  appliedHash: string | null;
  status: ReleaseStatus;
  /** The conditions of the objects read to decide `status`, for admins; absent when the engine has none. */
  conditions?: RecordedCondition[];
}

export interface ManagedObject {
  namespace: string;
  template: string;
  uuid: string;
  createdAt: Date;
  deleting: boolean;
}

export interface Engine {
  readonly name: string;
  /** Stable description of where the instance lives, stored as the instance's engineRef. */
  engineRef(key: InstanceKey): string;
  /**
   * Where the release of a recorded engineRef lives when not in the instance's namespace (null when it does),
   * so an instance stays where it was applied whatever the settings say later; undefined for a ref it cannot read.
   */
  releaseNamespaceOf(engineRef: string, namespace: string): string | null | undefined;
  /** The hash `observe` will report once `deployment` is applied. */
  desiredHash(deployment: InstanceDeployment): string;
  /** Creates or updates every object of the instance (idempotent); answers what it then observes. */
  apply(deployment: InstanceDeployment): Promise<ObservedInstance>;
  observe(key: InstanceKey): Promise<ObservedInstance>;
  /** One step of teardown: release first, namespace once the release is gone. "gone" when nothing is left. */
  teardown(key: InstanceKey): Promise<"deleting" | "gone">;
  /** Every namespace this installation manages, for garbage collection. */
  listManaged(): Promise<ManagedObject[]>;
  /**
   * Starts watching; `onChange` gets the uuid of any instance whose release changed (and whether its objects
   * say it is an unclaimed pool member), `onSynced` is called after every complete list (first start, and
   * after each recovery from `onError`).
   */
  watch(handlers: {
    onChange: (uuid: string, unclaimedMember: boolean) => void;
    onError: (error: Error, retryInMs: number) => void;
    onSynced: () => void;
  }): void;
  stop(): Promise<void>;
}
