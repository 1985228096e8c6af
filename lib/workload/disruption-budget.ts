/**
 * PodDisruptionBudget (cdk8s-plus-27 has no L2 for it): limits how many pods of a workload voluntary
 * disruptions (node drains, cluster upgrades) may take down at once.
 *
 * A budget that can never allow a disruption (`minAvailable` >= replicas, `maxUnavailable: 0`) blocks every
 * node drain forever, so it is rejected at construction.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { AppIdentity, checkIdentity, nameLabelValue, recommendedLabels } from '../core/labels';
import { installAppChecks } from '../internal/app-checks';
import { checkDnsSubdomain, checkEnum, checkInt32, checkIntOrPercent, checkLabels, checkRecord, fail, show } from '../internal/validate';

/** When unhealthy (running but not ready) pods may be evicted. */
export enum UnhealthyPodEvictionPolicy {
  /** Only while the budget is met (the Kubernetes default). */
  IF_HEALTHY_BUDGET = 'IfHealthyBudget',
  /** Always: a crash-looping pod never blocks a drain (recommended). */
  ALWAYS_ALLOW = 'AlwaysAllow',
}

/** The budget itself: set exactly one of `minAvailable` and `maxUnavailable`. */
export interface DisruptionBudgetOptions {
  /**
   * Pods that must stay available: a number or a percentage (`'50%'`, rounded up).
   * @default - not set (use `maxUnavailable`)
   */
  readonly minAvailable?: number | string;
  /**
   * Pods that may be unavailable at once: a number or a percentage (`'25%'`, rounded up). At least 1 / 1%.
   * @default 1 (when `minAvailable` is not set either)
   */
  readonly maxUnavailable?: number | string;
  /**
   * When unhealthy pods may be evicted (beta in Kubernetes 1.27, on by default).
   * @default - not set (Kubernetes default `IfHealthyBudget`)
   */
  readonly unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
}

/** Props of {@link DisruptionBudget}. */
export interface DisruptionBudgetProps extends DisruptionBudgetOptions {
  /** The labels selecting the workload's pods (its selector labels). */
  readonly selector: Record<string, string>;
  /**
   * The workload's replica count (for HPA-scaled workloads: its `minReplicas`), used to check the budget can
   * allow at least one disruption.
   * @default - not checked against a replica count
   */
  readonly replicas?: number;
  /**
   * The object name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The identity whose recommended labels go on the object.
   * @default - `{ name: <name> }`
   */
  readonly identity?: AppIdentity;
}

/** The resolved budget: every default applied, every value validated. */
export interface DisruptionBudgetPlan {
  /** `metadata.name`. */
  readonly name: string;
  /** The labels selecting the pods. */
  readonly selector: Record<string, string>;
  /** `spec.minAvailable` (undefined when `maxUnavailable` is used). */
  readonly minAvailable: number | string | undefined;
  /** `spec.maxUnavailable` (undefined when `minAvailable` is used). */
  readonly maxUnavailable: number | string | undefined;
  /** `spec.unhealthyPodEvictionPolicy`. */
  readonly unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy;
  /** The object's labels. */
  readonly labels: Record<string, string>;
}

/** Validates the props of a {@link DisruptionBudget} and applies the defaults; creates nothing. */
export function resolveDisruptionBudget(scope: Construct, id: string, props: DisruptionBudgetProps): DisruptionBudgetPlan {
  checkRecord(scope, 'props', props);
  const name = props.name ?? id;
  checkDnsSubdomain(scope, 'name', name);
  checkLabels(scope, 'selector', props.selector);
  if (Object.keys(props.selector).length === 0) {
    fail(scope, 'selector', 'must contain at least one label (an empty selector matches every pod of the namespace), got {}');
  }
  if (props.identity !== undefined) checkIdentity(scope, 'identity', props.identity);
  const { min, max, policy } = validateDisruptionBudget(scope, props, props.replicas);
  return {
    name,
    selector: { ...props.selector },
    minAvailable: min,
    maxUnavailable: max,
    unhealthyPodEvictionPolicy: policy,
    labels: recommendedLabels(props.identity ?? { name: nameLabelValue(name) }),
  };
}

/**
 * A `policy/v1` PodDisruptionBudget with a stable name, validated so it can always allow a disruption, and
 * `unhealthyPodEvictionPolicy: AlwaysAllow` so a crash-looping pod never blocks a node drain.
 *
 * @example
 * new DisruptionBudget(this, 'api', { selector: selectorLabels({ name: 'api' }), maxUnavailable: 1, replicas: 3 });
 */
export class DisruptionBudget extends Construct {
  /** The object name. */
  public readonly name: string;
  /** The resolved `minAvailable` (undefined when `maxUnavailable` is used). */
  public readonly minAvailable: number | string | undefined;
  /** The resolved `maxUnavailable` (undefined when `minAvailable` is used). */
  public readonly maxUnavailable: number | string | undefined;
  /** The resolved eviction policy of unhealthy pods. */
  public readonly unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy;
  /** The L1 object: the escape hatch. */
  public readonly apiObject: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    installAppChecks(this);
    const plan = resolveDisruptionBudget(this, id, props);
    this.name = plan.name;
    this.minAvailable = plan.minAvailable;
    this.maxUnavailable = plan.maxUnavailable;
    this.unhealthyPodEvictionPolicy = plan.unhealthyPodEvictionPolicy;

    this.apiObject = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name: plan.name, labels: plan.labels },
      spec: {
        selector: { matchLabels: plan.selector },
        minAvailable: toIntOrString(plan.minAvailable),
        maxUnavailable: toIntOrString(plan.maxUnavailable),
        unhealthyPodEvictionPolicy: plan.unhealthyPodEvictionPolicy,
      },
    });
  }
}

function toIntOrString(v: number | string | undefined): k8s.IntOrString | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v);
}

/**
 * Validates a budget against a replica count and resolves the default (`maxUnavailable: 1`). Throws when the
 * budget could never allow a single voluntary disruption. Percentages are rounded up, as the disruption
 * controller does. With `replicas` 0 or undefined only the replica-independent checks run.
 */
export function validateDisruptionBudget(
  scope: Construct,
  opts: DisruptionBudgetOptions,
  replicas: number | undefined,
  prop = '',
): { min: number | string | undefined; max: number | string | undefined; policy: UnhealthyPodEvictionPolicy } {
  const p = (s: string) => (prop ? `${prop}.${s}` : s);
  if (prop) checkRecord(scope, prop, opts);
  if (opts.minAvailable !== undefined && opts.maxUnavailable !== undefined) {
    fail(scope, p('minAvailable'), `must not be set together with 'maxUnavailable' (set one of them), got minAvailable ${show(opts.minAvailable)} and maxUnavailable ${show(opts.maxUnavailable)}`);
  }
  const policy = opts.unhealthyPodEvictionPolicy ?? UnhealthyPodEvictionPolicy.ALWAYS_ALLOW;
  checkEnum(scope, p('unhealthyPodEvictionPolicy'), policy, UnhealthyPodEvictionPolicy);
  if (replicas !== undefined) checkInt32(scope, p('replicas'), replicas, { min: 0 });
  const n = replicas ?? 0;
  if (opts.minAvailable !== undefined) {
    const v = checkIntOrPercent(scope, p('minAvailable'), opts.minAvailable);
    const needed = v.percent ? Math.ceil((v.value * n) / 100) : v.value;
    if (v.percent && v.value === 100) {
      fail(scope, p('minAvailable'), `must be below 100% (100% never allows a disruption: node drains would block forever), got ${show(opts.minAvailable)}; use a lower value or 'maxUnavailable'`);
    }
    if (n > 0 && needed >= n) {
      fail(scope, p('minAvailable'), `must be lower than the ${n} replica(s) so at least one pod can be disrupted, got ${show(opts.minAvailable)}${v.percent ? ` (${needed} pod(s), rounded up)` : ''}; lower it, add replicas or use 'maxUnavailable'`);
    }
    return { min: opts.minAvailable, max: undefined, policy };
  }
  const max = opts.maxUnavailable ?? 1;
  const v = checkIntOrPercent(scope, p('maxUnavailable'), max);
  if (v.value === 0) {
    fail(scope, p('maxUnavailable'), `must be at least 1 or 1% (0 never allows a disruption: node drains would block forever), got ${show(max)}`);
  }
  return { min: undefined, max, policy };
}
