/**
 * BlueGreenDeployment: two or more versions of an app side by side, one Deployment per version, and a stable
 * Service whose selector picks the active one. Cut-over and rollback are a one-line change of `activeVersion`,
 * a synth and an apply: only the stable Service's selector moves; the Deployments (and their immutable
 * selectors) stay byte-for-byte the same.
 *
 * Labels:
 * - `version: <slot>` (`blue`, `green`, ...) is the *slot*: in each Deployment's pod labels and selector, and in
 *   the stable Service's selector. It never changes for a Deployment, so its selector never changes.
 * - `app.kubernetes.io/version` follows the image tag of each slot and never enters a selector.
 * - `kubecraft.dev/role: stable` marks the stable Service, `kubecraft.dev/role: preview` the per-version Services.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#canary-deployment
 */
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import {
  ServiceBackedApp, addAppServicePort, addEnvVariable, createAppDeployment, createExposurePolicy, createServiceAccount,
  disruptionBudgetOptions, resolveAppPorts, resolveIdentity, resolveRollout,
} from './app-workload';
import { ResourceOptions, addContainer, mergeResources, resolveContainer } from './container';
import { DisruptionBudget, validateDisruptionBudget } from './disruption-budget';
import { AppIngress } from '../network/ingress';
import { AppIdentity, KUBECRAFT_PREFIX, recommendedLabels, selectorLabels, versionFromImage } from '../core/labels';
import { ResolvedPodSecurity, resolvePodSecurity } from '../security/pod-security';
import { AppService } from '../network/service';
import { checkDnsLabel, checkInt, checkLabelValue, checkOneOf, checkUnique, fail, show } from '../internal/validate';
import { WebAppProps } from './web-app';
import { RolloutStrategy } from './types';

/** The label key of the version slot, in pod labels and selectors. */
export const VERSION_LABEL = 'version';

/** The label key marking a Service's role in a blue/green set. */
export const ROLE_LABEL = `${KUBECRAFT_PREFIX}/role`;

/** The role of a Service of a BlueGreenDeployment (value of `kubecraft.dev/role`). */
export enum ServiceRole {
  /** The Service clients use: follows `activeVersion` (or every version in canary mode). */
  STABLE = 'stable',
  /** A Service per version, reaching that version only (test a release before the cut-over). */
  PREVIEW = 'preview',
}

/** How the stable Service spreads traffic over the versions. */
export enum TrafficMode {
  /** All traffic to `activeVersion`; the stable Service's selector includes `version: <activeVersion>`. */
  BLUE_GREEN = 'BlueGreen',
  /**
   * Traffic to every version, in proportion to their ready pods (replicas set the split); the stable Service's
   * selector has no `version`.
   */
  CANARY = 'Canary',
}

/** One version slot: its own Deployment, image, replicas and env. */
export interface BlueGreenVersion {
  /**
   * The slot name, the value of the `version` label (`blue`, `green`, `canary`): a label value that also fits in
   * the Deployment and preview Service name `<name>-<slot>` (lowercase letters, digits and '-').
   */
  readonly name: string;
  /** Container image of this version, with an explicit tag or digest. */
  readonly image: string;
  /**
   * Pods of this version. 0 keeps an idle slot (its Deployment and selector stay) without pods.
   * @default - the shared `replicas` (2)
   */
  readonly replicas?: number;
  /**
   * Environment variables of this version, merged over the shared `env`.
   * @default - the shared env only
   */
  readonly env?: Record<string, string | kplus.EnvValue>;
  /**
   * Arguments of this version.
   * @default - the shared `args`
   */
  readonly args?: string[];
  /**
   * Resources of this version, merged over the shared `resources`.
   * @default - the shared resources
   */
  readonly resources?: ResourceOptions;
  /**
   * `app.kubernetes.io/version` of this version's pods (never in a selector).
   * @default - the image tag
   */
  readonly appVersion?: string;
}

/** The settings shared by every version: those of a WebApp, minus image/version (per slot) and autoscaling. */
export type BlueGreenSharedProps = Pick<WebAppProps,
  'instance' | 'component' | 'partOf' | 'allowLatest' | 'containerName' | 'ports' | 'replicas' | 'resources'
  | 'readiness' | 'liveness' | 'startup' | 'command' | 'args' | 'env' | 'envFrom' | 'imagePullPolicy' | 'writablePaths'
  | 'podSecurity' | 'securityContext' | 'strategy' | 'minReadySeconds' | 'revisionHistoryLimit'
  | 'progressDeadlineSeconds' | 'terminationGracePeriodSeconds' | 'service' | 'disruptionBudget' | 'ingress'
  | 'ingressControllerNamespace' | 'podAnnotations' | 'spreadAcrossHosts'>;

/** Props of {@link BlueGreenDeployment}. */
export interface BlueGreenDeploymentProps extends BlueGreenSharedProps {
  /**
   * Name of the stable Service and the ServiceAccount, prefix of the Deployments (`<name>-<slot>`), and
   * `app.kubernetes.io/name`.
   * @default - the construct id
   */
  readonly name?: string;
  /** The versions side by side (at least one, unique names). */
  readonly versions: BlueGreenVersion[];
  /**
   * The version the stable Service sends traffic to. Change it, synth and apply to cut over; change it back to
   * roll back. In `CANARY` mode every version gets traffic and this names the baseline (it must still exist).
   */
  readonly activeVersion: string;
  /**
   * Blue/green (one active version) or canary (all versions, split by replicas).
   * @default TrafficMode.BLUE_GREEN
   */
  readonly trafficMode?: TrafficMode;
}

/**
 * Versions side by side behind a stable Service: blue/green cut-over (or a canary split) by Service selector.
 *
 * @example
 * const web = new BlueGreenDeployment(chart, 'web', {
 *   versions: [
 *     { name: 'blue', image: 'ghcr.io/acme/web:1.4.2' },
 *     { name: 'green', image: 'ghcr.io/acme/web:1.5.0' },
 *   ],
 *   activeVersion: 'blue', // 'green' to cut over, back to 'blue' to roll back
 *   ports: [{ name: 'http', port: 8080, servicePort: 80 }],
 * });
 * web.connectTo(api, { env: 'API_URL' });
 */
export class BlueGreenDeployment extends ServiceBackedApp {
  /** Base name (stable Service, ServiceAccount, `app.kubernetes.io/name`). */
  public readonly name: string;
  /** The recommended-label identity shared by the versions (without `version`). */
  public readonly identity: AppIdentity;
  /** The version names, in the order given. */
  public readonly versionNames: string[];
  /** The version the stable Service selects (the baseline in canary mode). */
  public readonly activeVersion: string;
  /** The resolved traffic mode. */
  public readonly trafficMode: TrafficMode;
  /** Replicas per version. */
  public readonly replicas: Record<string, number>;
  /** The resolved rollout strategy of every version. */
  public readonly strategy: RolloutStrategy;
  /** The resolved pod security. */
  public readonly podSecurity: ResolvedPodSecurity;
  /** The ServiceAccount shared by every version (token not mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Deployment of each version (`<name>-<slot>`). */
  public readonly deployments: Record<string, kplus.Deployment>;
  /** The app container of each version. */
  public readonly containers: Record<string, kplus.Container>;
  /** The stable Service (`<name>`, `kubecraft.dev/role: stable`). */
  public readonly service: AppService;
  /** The per-version Services (`<name>-<slot>`, `kubecraft.dev/role: preview`). */
  public readonly previewServices: Record<string, AppService>;
  /** The PodDisruptionBudget of each version, when `disruptionBudget` is set. */
  public readonly disruptionBudgets: Record<string, DisruptionBudget>;
  /** The Ingress to the stable Service, if any. */
  public readonly ingress?: AppIngress;
  /** The NetworkPolicy opening the pods to external or ingress-controller traffic, if any. */
  public readonly exposurePolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: BlueGreenDeploymentProps) {
    super(scope, id);
    // 1. resolve and validate
    this.name = props.name ?? id;
    checkDnsLabel(this, 'name', this.name);
    this.trafficMode = props.trafficMode ?? TrafficMode.BLUE_GREEN;
    checkOneOf(this, 'trafficMode', this.trafficMode, Object.values(TrafficMode));
    this.identity = resolveIdentity(this, this.name, { instance: props.instance, component: props.component, partOf: props.partOf }, 'frontend');

    const versions = props.versions ?? [];
    if (versions.length === 0) fail(this, 'versions', 'must contain at least one version (e.g. [{ name: \'blue\', image: ... }]), got []');
    versions.forEach((v, i) => {
      checkLabelValue(this, `versions[${i}].name`, v.name);
      if (v.name === '') fail(this, `versions[${i}].name`, 'must not be empty, got ""');
      const objectName = `${this.name}-${v.name}`;
      if (objectName.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(objectName)) {
        fail(this, `versions[${i}].name`, `must be lowercase letters, digits and '-' (it names the Deployment and Service ${show(objectName)}, a DNS-1123 label of at most 63 characters), got ${show(v.name)}`);
      }
      if (v.appVersion !== undefined) checkLabelValue(this, `versions[${i}].appVersion`, v.appVersion);
    });
    checkUnique(this, 'versions[].name', versions.map((v) => v.name));
    this.versionNames = versions.map((v) => v.name);
    this.activeVersion = props.activeVersion;
    if (!this.versionNames.includes(this.activeVersion)) {
      fail(this, 'activeVersion', `must be one of the versions (${this.versionNames.map((n) => show(n)).join(', ')}), got ${show(this.activeVersion)}`);
    }

    const sharedReplicas = props.replicas ?? 2;
    checkInt(this, 'replicas', sharedReplicas, { min: 0 });
    this.replicas = {};
    versions.forEach((v, i) => {
      const r = v.replicas ?? sharedReplicas;
      checkInt(this, `versions[${i}].replicas`, r, { min: 0 });
      this.replicas[v.name] = r;
    });
    if (this.trafficMode === TrafficMode.BLUE_GREEN && this.replicas[this.activeVersion] === 0) {
      fail(this, 'activeVersion', `selects version ${show(this.activeVersion)}, which has 0 replicas (the stable Service would have no endpoints); scale it up before the cut-over`);
    }
    if (Object.values(this.replicas).every((r) => r === 0)) {
      fail(this, 'replicas', 'must be >= 1 for at least one version (the stable Service would have no endpoints), got 0 for every version');
    }

    this.strategy = props.strategy ?? RolloutStrategy.rollingUpdate();
    const rollout = resolveRollout(this, this.strategy, props);

    const ports = resolveAppPorts(this, props, 'the versions are reached through the stable Service');
    if (!ports.some((p) => p.expose ?? true)) fail(this, 'ports', 'must expose at least one port through the Service, got every port with expose: false');

    const budget = disruptionBudgetOptions(props.disruptionBudget);
    if (budget) versions.forEach((v) => validateDisruptionBudget(this, budget, this.replicas[v.name], `disruptionBudget(${v.name})`));

    this.podSecurity = resolvePodSecurity(this, props.podSecurity);
    const containerName = props.containerName ?? this.name;

    // 2. build
    const baseLabels = recommendedLabels(this.identity);
    this.serviceAccount = createServiceAccount(this, this.name, baseLabels);

    this.deployments = {};
    this.containers = {};
    this.previewServices = {};
    this.disruptionBudgets = {};
    versions.forEach((v, i) => {
      const appVersion = v.appVersion ?? versionFromImage(v.image);
      const labels = { ...recommendedLabels({ ...this.identity, version: appVersion }), [VERSION_LABEL]: v.name };
      const selector = this.versionSelector(v.name);
      const resolved = resolveContainer(this, containerName, {
        image: v.image,
        allowLatest: props.allowLatest,
        ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
        command: props.command,
        args: v.args ?? props.args,
        env: { ...(props.env ?? {}), ...(v.env ?? {}) },
        envFrom: props.envFrom,
        resources: mergeResources(props.resources, v.resources),
        readiness: props.readiness,
        liveness: props.liveness,
        startup: props.startup,
        imagePullPolicy: props.imagePullPolicy,
        securityContext: props.securityContext,
        writablePaths: props.writablePaths,
      }, this.podSecurity, `versions[${i}]`);

      const deployment = createAppDeployment(this, `Deployment-${v.name}`, {
        name: `${this.name}-${v.name}`,
        labels,
        selector,
        podAnnotations: props.podAnnotations,
        replicas: this.replicas[v.name],
        rollout,
        serviceAccount: this.serviceAccount,
        podSecurity: this.podSecurity,
        spreadAcrossHosts: props.spreadAcrossHosts,
        maxPods: this.replicas[v.name],
      });
      this.containers[v.name] = addContainer(deployment, deployment, resolved);
      this.deployments[v.name] = deployment;

      if (budget) {
        this.disruptionBudgets[v.name] = new DisruptionBudget(this, `DisruptionBudget-${v.name}`, {
          ...budget,
          name: `${this.name}-${v.name}`,
          selector,
          replicas: this.replicas[v.name],
          identity: this.identity,
        });
      }
    });

    this.service = new AppService(this, 'Service', {
      ...(props.service ?? {}),
      name: this.name,
      selector: this.trafficMode === TrafficMode.CANARY ? selectorLabels(this.identity) : this.versionSelector(this.activeVersion),
      identity: this.identity,
      labels: { ...(props.service?.labels ?? {}), [ROLE_LABEL]: ServiceRole.STABLE },
    });
    for (const v of versions) {
      this.previewServices[v.name] = new AppService(this, `Preview-${v.name}`, {
        name: `${this.name}-${v.name}`,
        selector: this.versionSelector(v.name),
        identity: this.identity,
        labels: { [ROLE_LABEL]: ServiceRole.PREVIEW },
      });
    }
    for (const p of ports) {
      for (const svc of [this.service, ...Object.values(this.previewServices)]) addAppServicePort(svc, p, svc === this.service);
    }

    if (props.ingress) {
      this.ingress = new AppIngress(this, 'Ingress', { ...props.ingress, name: props.ingress.name ?? this.name, service: this.service, identity: this.identity });
    }
    this.exposurePolicy = createExposurePolicy(this, {
      service: this.service, hasIngress: this.ingress !== undefined, ingressControllerNamespace: props.ingressControllerNamespace, labels: baseLabels,
    });
  }

  /** The selector of one version's pods: the stable selector labels plus `version: <slot>`. */
  public versionSelector(version: string): Record<string, string> {
    return { ...selectorLabels(this.identity), [VERSION_LABEL]: version };
  }

  /** The Deployment of `version` (throws for an unknown version). */
  public deployment(version: string): kplus.Deployment {
    const d = this.deployments[version];
    if (!d) fail(this, 'version', `must be one of the versions (${this.versionNames.map((n) => show(n)).join(', ')}), got ${show(version)}`);
    return d;
  }

  // ---- IBackend / IConsumer (peerName, podSelector, endpoint, backendPorts, connectTo: ServiceBackedApp) ----

  /** Adds a literal env var to the app container of every version (a pod template change: each version rolls). */
  public addEnv(name: string, value: string | kplus.EnvValue): void {
    addEnvVariable(this, Object.values(this.containers), name, value);
  }

  /** Adds an annotation to every version's pod template (e.g. `checksum/config`). */
  public addPodAnnotation(key: string, value: string): void {
    for (const d of Object.values(this.deployments)) d.podMetadata.addAnnotation(key, value);
  }

}

