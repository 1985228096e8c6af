/**
 * Public types shared by the workload constructs (ports and rollout strategy), declared once so that the shared
 * builder (app-workload.ts) and each construct import them downward.
 */
import { ContainerPortSpec } from './container';

/** A container port of the WebApp, and how its Service exposes it. */
export interface WebAppPort extends ContainerPortSpec {
  /**
   * The Service port clients use; the Service targets the container port by name.
   * @default - the container port number
   */
  readonly servicePort?: number;
  /**
   * A fixed node port (30000-32767), only for NodePort and LoadBalancer Services.
   * @default - allocated by the cluster
   */
  readonly nodePort?: number;
  /**
   * Expose this port through the Service (false: a container-only port, e.g. a debug endpoint).
   * @default true
   */
  readonly expose?: boolean;
  /**
   * The application protocol of the Service port (`http`, `kubernetes.io/h2c`).
   * @default - none
   */
  readonly appProtocol?: string;
}

/** The rollout values of a RollingUpdate (each a number or a percentage such as `'25%'`). */
export interface RollingUpdateOptions {
  /**
   * Extra pods allowed above `replicas` during a rollout (percentages round up).
   * @default '25%'
   */
  readonly maxSurge?: number | string;
  /**
   * Pods allowed to be unavailable during a rollout (percentages round down). Not 0 together with `maxSurge` 0.
   * @default '25%'
   */
  readonly maxUnavailable?: number | string;
}

/** How a WebApp replaces its pods on a change. */
export class RolloutStrategy {
  /** Replace pods gradually, keeping the app available (the default). */
  public static rollingUpdate(options: RollingUpdateOptions = {}): RolloutStrategy {
    return new RolloutStrategy('RollingUpdate', options.maxSurge ?? '25%', options.maxUnavailable ?? '25%');
  }

  /** Stop every old pod before starting new ones (downtime; for apps that cannot run two versions at once). */
  public static recreate(): RolloutStrategy {
    return new RolloutStrategy('Recreate');
  }

  private constructor(
    /** `RollingUpdate` or `Recreate`. */
    public readonly type: 'RollingUpdate' | 'Recreate',
    /** maxSurge (RollingUpdate only). */
    public readonly maxSurge?: number | string,
    /** maxUnavailable (RollingUpdate only). */
    public readonly maxUnavailable?: number | string,
  ) {}
}
