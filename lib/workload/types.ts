/**
 * Public types shared by the workload constructs (ports and rollout strategy), declared once so that the shared
 * builder (app-workload.ts) and each construct import them downward.
 */
import { ContainerPortSpec } from './container';
import { AppServiceOptions, AppServicePort } from '../network/service';

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

/**
 * Labels and annotations of your own on what a workload construct emits, and the labels that select its pods.
 * Shared by WebApp, BlueGreenDeployment, StatefulDatabase and AppPod.
 *
 * Selectors are immutable on a live Deployment or StatefulSet: changing `selectorLabels` of a workload that runs
 * means deleting and re-creating it (`kubectl apply` is refused with `field is immutable`). So they never contain
 * a value that changes with a release (the version, the image tag) or a label that controllers set per pod.
 */
export interface WorkloadMetadataProps {
  /**
   * Labels on every object the construct emits and on its pods (e.g. `{ team: 'shop' }`), next to the
   * recommended `app.kubernetes.io/*` labels, which they cannot override. Not part of a selector unless also in
   * `selectorLabels`.
   * @default - the recommended labels only
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations on every object the construct emits (not the pod template: changing those rolls the pods, so
   * they have their own prop).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * The labels that select the pods, instead of `app.kubernetes.io/name` and `app.kubernetes.io/instance`
   * (e.g. the book's `{ app: 'hello-world' }`, so `kubectl get pods -l app=hello-world` finds them). They are added
   * to the pod labels and used by every selector of the construct: the workload's own, its Services', its
   * PodDisruptionBudget's, its NetworkPolicies' and its spread constraints'. At least one label; never
   * `app.kubernetes.io/version`, a value equal to the version or image tag, or a label that controllers set
   * (`pod-template-hash`, `controller-revision-hash`, `statefulset.kubernetes.io/pod-name`,
   * `apps.kubernetes.io/pod-index`). Changing them on a live workload means replacing it (selectors are immutable).
   * @default - `app.kubernetes.io/name` and `app.kubernetes.io/instance`
   */
  readonly selectorLabels?: Record<string, string>;
}

/** Labels and annotations of the pod template of a workload (WebApp, BlueGreenDeployment, StatefulDatabase). */
export interface PodTemplateMetadataProps {
  /**
   * Labels on the pods only (e.g. `{ tier: 'frontend' }`), next to `labels` and the recommended labels.
   * @default - none
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Annotations on the pod template (a change rolls the pods).
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
}

/** How a workload's Service refers to the pods' ports. */
export enum TargetPortStyle {
  /** `targetPort: http`: the container port's name, so the pods can change the number without touching the Service. */
  BY_NAME = 'ByName',
  /** `targetPort: 8080`: the container port's number. */
  BY_NUMBER = 'ByNumber',
}

/** The Service a WebApp or BlueGreenDeployment creates for its pods. */
export interface WorkloadServiceOptions extends AppServiceOptions {
  /**
   * The Service's name (its DNS name `<name>.<namespace>.svc.cluster.local`), e.g. the book's `lb-svc`.
   * @default - the app's name
   */
  readonly name?: string;
  /**
   * Whether each Service port targets the container port by name or by number.
   * @default TargetPortStyle.BY_NAME
   */
  readonly targetPortStyle?: TargetPortStyle;
}

/** One more Service over a workload's pods (`addService`): another name, type, ports or a subset of the pods. */
export interface ExtraServiceOptions extends WorkloadServiceOptions {
  /**
   * The ports, each `targetPort` a container port's number or name.
   * @default - the workload's exposed ports, as on its own Service
   */
  readonly ports?: AppServicePort[];
  /**
   * The labels that select the pods: labels the workload's pods carry (its `selectorLabels`, `labels` or
   * `podLabels`), e.g. the book's `{ chapter: 'services' }`.
   * @default - the workload's selector
   */
  readonly selector?: Record<string, string>;
}
