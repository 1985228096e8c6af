/**
 * Workload identity: each workload runs as its own ServiceAccount with no API token mounted. A workload that
 * needs the Kubernetes API asks for it explicitly with `grantApiAccess()`, which mounts a short-lived, audience-
 * bound projected token (not the legacy automounted one) and emits a least-privilege Role and its RoleBinding.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
 * @see https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
 */
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { volumeFromSource } from '../internal/compat';
import { AppIdentity, LABEL, MANAGED_BY, checkIdentity, recommendedLabels } from '../core/labels';
import { resolveSeconds } from '../internal/duration';
import { PolicyRule, Role, RoleBinding, Subject } from './rbac';
import { installAppChecks } from '../internal/app-checks';
import {
  checkArray, checkBoolean, checkDnsLabel, checkDnsSubdomain, checkInstance, checkRecord, checkString, fail, show,
} from '../internal/validate';

/** Props of a WorkloadIdentity. */
export interface WorkloadIdentityProps {
  /** The ServiceAccount's name (usually the workload's name). */
  readonly name: string;
  /**
   * The namespace.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The app the ServiceAccount belongs to (recommended labels).
   * @default - only `app.kubernetes.io/managed-by`
   */
  readonly identity?: AppIdentity;
  /**
   * Let pods of this ServiceAccount mount the legacy API token automatically. The token is long-lived, valid for
   * every audience, and mounted into every container, so a compromised container can act as the workload
   * against the API server. Prefer `grantApiAccess()`.
   * @default false
   */
  readonly automountToken?: boolean;
}

/** The resolved ServiceAccount of a {@link WorkloadIdentity}. */
export interface WorkloadIdentityPlan {
  /** The ServiceAccount's name. */
  readonly name: string;
  /** Its namespace (props, else the chart's). */
  readonly namespace: string | undefined;
  /** Its labels. */
  readonly labels: Record<string, string>;
  /** Whether the legacy token is automounted. */
  readonly automountToken: boolean;
}

/** Validates the props of a {@link WorkloadIdentity}; creates nothing. */
export function resolveWorkloadIdentity(scope: Construct, props: WorkloadIdentityProps): WorkloadIdentityPlan {
  checkRecord(scope, 'props', props as unknown);
  checkDnsSubdomain(scope, 'name', props.name);
  if (props.namespace !== undefined) checkDnsLabel(scope, 'namespace', props.namespace);
  if (props.identity !== undefined) checkIdentity(scope, 'identity', props.identity);
  const automountToken = props.automountToken ?? false;
  checkBoolean(scope, 'automountToken', automountToken);
  return {
    name: props.name,
    namespace: props.namespace ?? Chart.of(scope).namespace,
    labels: props.identity ? recommendedLabels(props.identity) : { [LABEL.MANAGED_BY]: MANAGED_BY },
    automountToken,
  };
}

/**
 * The ServiceAccount a workload runs as: its own, with `automountServiceAccountToken: false`.
 *
 * @example
 * const id = new WorkloadIdentity(this, 'Identity', { name: 'api' });
 * new kplus.Deployment(this, 'Deployment', { serviceAccount: id.serviceAccount, ... });
 */
export class WorkloadIdentity extends Construct {
  /** The ServiceAccount (pass it as the workload's `serviceAccount`). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The ServiceAccount's name. */
  public readonly name: string;
  /** The namespace (resolved; undefined when neither props nor the chart set one). */
  public readonly namespace?: string;
  /** Whether the legacy token is automounted. */
  public readonly automountToken: boolean;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    installAppChecks(this);
    const plan = resolveWorkloadIdentity(this, props);
    this.name = plan.name;
    this.namespace = plan.namespace;
    this.automountToken = plan.automountToken;
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: plan.name, namespace: plan.namespace, labels: plan.labels },
      automountToken: plan.automountToken,
    });
  }

  /** Gives `workload` (which must run as this identity) API access: see `grantApiAccess`. */
  public grantApiAccess(workload: kplus.AbstractPod, options: ApiAccessOptions): ApiAccess {
    if (workload.serviceAccount !== this.serviceAccount) {
      fail(this, 'grantApiAccess', `workload ${workload.node.path} must run as this ServiceAccount (${show(this.name)}), got ${show(workload.serviceAccount?.name ?? 'default')}`);
    }
    return grantApiAccess(workload, options);
  }
}

/** The default mount path: where in-cluster clients (client-go, kubectl) look for the token, CA and namespace. */
export const DEFAULT_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Options of `grantApiAccess`. */
export interface ApiAccessOptions {
  /** What the workload may do: at least one rule, verbs listed (no wildcard unless `allowWildcards`). */
  readonly rules: readonly PolicyRule[];
  /**
   * Accept `*` in the rules.
   * @default false
   */
  readonly allowWildcards?: boolean;
  /**
   * The token's audience (`aud`). Set it when the token is presented to another service (e.g. `vault`).
   * @default - the API server's own audience
   */
  readonly audience?: string;
  /**
   * Token lifetime; the kubelet refreshes it at 80%. At least 10 minutes (the API minimum), whole seconds.
   * @default Duration.hours(1)
   */
  readonly expiration?: Duration;
  /**
   * Token lifetime in seconds.
   * @deprecated use `expiration`
   * @default 3600
   */
  readonly expirationSeconds?: number;
  /**
   * Where the token (`token`), the cluster CA (`ca.crt`) and the namespace (`namespace`) are mounted.
   * @default DEFAULT_TOKEN_MOUNT_PATH (`/var/run/secrets/kubernetes.io/serviceaccount`)
   */
  readonly mountPath?: string;
  /**
   * The containers that get the mount.
   * @default - every container of the workload when called
   */
  readonly containers?: readonly kplus.Container[];
  /**
   * Name of the Role and RoleBinding.
   * @default `<serviceaccount>-api-access`
   */
  readonly name?: string;
}

/** The name of the projected token volume. */
export const API_TOKEN_VOLUME = 'api-token';

/** The projected volume: a bound ServiceAccount token, the cluster CA bundle and the pod's namespace. */
export function projectedTokenVolume(scope: Construct, id: string, options: { name?: string; audience?: string; expirationSeconds: number }): kplus.Volume {
  return volumeFromSource(scope, id, options.name ?? API_TOKEN_VOLUME, {
    projected: {
      sources: [
        { serviceAccountToken: { audience: options.audience, expirationSeconds: options.expirationSeconds, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  });
}

function namespaceOfWorkload(workload: kplus.AbstractPod): string | undefined {
  return workload.metadata.namespace ?? Chart.of(workload).namespace;
}

function pickRecommended(sa: kplus.IServiceAccount): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(sa instanceof kplus.ServiceAccount)) return out;
  for (const key of [LABEL.NAME, LABEL.INSTANCE, LABEL.PART_OF]) {
    const v = sa.metadata.getLabel(key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * API access of one workload: a least-privilege Role, its RoleBinding to the workload's own ServiceAccount, and
 * a read-only projected volume with a token of bounded lifetime (and audience), the CA bundle and the
 * namespace, mounted where in-cluster clients look for them. `automountServiceAccountToken` stays false: only
 * the chosen containers get a token. Create it with `grantApiAccess()`.
 */
export class ApiAccess extends Construct {
  /** The least-privilege Role. */
  public readonly role: Role;
  /** The RoleBinding of the Role to the workload's ServiceAccount. */
  public readonly roleBinding: RoleBinding;
  /** The projected volume (token, CA, namespace). */
  public readonly volume: kplus.Volume;
  /** The mount path. */
  public readonly mountPath: string;
  /** The token file (`<mountPath>/token`). */
  public readonly tokenPath: string;
  /** The resolved token lifetime. */
  public readonly expirationSeconds: number;

  constructor(workload: kplus.AbstractPod, id: string, options: ApiAccessOptions) {
    super(workload, id);
    const sa = workload.serviceAccount;
    if (!sa) {
      fail(workload, 'serviceAccount', 'must be the workload\'s own ServiceAccount (a WorkloadIdentity) before it is granted API access, got none (the "default" ServiceAccount, shared by every pod of the namespace)');
    }
    if (sa.name === 'default') fail(workload, 'serviceAccount', 'must not be the shared "default" ServiceAccount when granting API access, got "default"');
    checkRecord(workload, 'options', options as unknown);
    if (!Array.isArray(options.rules) || options.rules.length === 0) fail(workload, 'rules', `must contain at least one rule (the least privilege the workload needs), got ${show(options.rules ?? [])}`);
    this.expirationSeconds = resolveSeconds(workload, {
      prop: 'expiration', value: options.expiration, secondsProp: 'expirationSeconds', seconds: options.expirationSeconds,
      default: Duration.hours(1), min: 600, max: 2 ** 32 - 1,
    });
    if (options.audience !== undefined) checkString(workload, 'audience', options.audience, { nonEmpty: true });
    this.mountPath = options.mountPath ?? DEFAULT_TOKEN_MOUNT_PATH;
    if (typeof this.mountPath !== 'string' || !this.mountPath.startsWith('/') || this.mountPath.includes(':')) {
      fail(workload, 'mountPath', `must be an absolute path without ':', got ${show(this.mountPath)}`);
    }
    this.tokenPath = `${this.mountPath.replace(/\/+$/, '')}/token`;
    const containers = options.containers ?? workload.containers;
    checkArray(workload, 'containers', containers);
    if (containers.length === 0) fail(workload, 'containers', 'must not be empty (add the containers before granting API access), got []');
    containers.forEach((c, i) => checkInstance(workload, `containers[${i}]`, c, kplus.Container, 'a container of the workload (kplus.Container)'));
    if (options.name !== undefined) checkDnsSubdomain(workload, 'name', options.name);

    const subject = Subject.fromServiceAccount(sa);
    const podNamespace = namespaceOfWorkload(workload);
    if (subject.namespace !== undefined && podNamespace !== undefined && subject.namespace !== podNamespace) {
      fail(workload, 'serviceAccount', `must be in the workload's namespace ${show(podNamespace)}, got ${show(subject.namespace)}`);
    }

    const name = options.name ?? `${sa.name}-api-access`;
    const labels = pickRecommended(sa);
    this.role = new Role(this, 'Role', { name, namespace: subject.namespace, rules: options.rules, allowWildcards: options.allowWildcards, labels });
    this.roleBinding = new RoleBinding(this, 'RoleBinding', { name, namespace: subject.namespace, role: this.role, subjects: [subject], labels });
    this.volume = projectedTokenVolume(this, 'Volume', { audience: options.audience, expirationSeconds: this.expirationSeconds });
    for (const c of containers) c.mount(this.mountPath, this.volume, { readOnly: true });
  }
}

/**
 * Gives a workload least-privilege access to the Kubernetes API (see `ApiAccess`). The workload must run as its
 * own ServiceAccount (`WorkloadIdentity`); call it once per workload, after its containers are added.
 *
 * @example
 * grantApiAccess(deployment, { rules: [{ verbs: READ_VERBS, apiGroups: [ApiGroup.CORE], resources: ['configmaps'] }] });
 */
export function grantApiAccess(workload: kplus.AbstractPod, options: ApiAccessOptions): ApiAccess {
  if (!(workload instanceof kplus.AbstractPod)) {
    throw new Error(`grantApiAccess: 'workload' must be a cdk8s-plus workload (Deployment, StatefulSet, Pod, ...), got ${show(workload)}`);
  }
  if (workload.node.tryFindChild('ApiAccess')) {
    fail(workload, 'grantApiAccess', 'must be called once per workload (add rules to the returned ApiAccess.role instead), got a second call');
  }
  return new ApiAccess(workload, 'ApiAccess', options);
}
