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
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import {
  ResolvedRollout, ServiceBackedApp, WorkloadMetadata, addAppServicePort, addEnvVariable, applyObjectMetadata, checkShutdownDelay, createAppDeployment, defaultShutdownDelay,
  createExposurePolicy, createServiceAccount, createWorkloadService, disruptionBudgetOptions, resolveAppPorts, resolveIdentity,
  resolveIngressControllerNamespace, resolveRollout, resolveWorkloadMetadata,
} from './app-workload';
import { ResolvedContainer, ResourceOptions, addContainer, mergeResources, resolveContainer } from './container';
import { DisruptionBudget, DisruptionBudgetOptions, validateDisruptionBudget } from './disruption-budget';
import { AppIngress } from '../network/ingress';
import { AppIdentity, KUBECRAFT_PREFIX, recommendedLabels, versionFromImage } from '../core/labels';
import { ResolvedPodSecurity, resolvePodSecurity } from '../security/pod-security';
import { AppService } from '../network/service';
import { checkDnsLabel, checkInt32, checkLabelValue, checkRecord, checkOneOf, checkUnique, fail, show } from '../internal/validate';
import { WebAppProps } from './web-app';
import { RolloutStrategy, TargetPortStyle, WebAppPort, WorkloadServiceOptions } from './types';

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

/**
 * The settings shared by every version: those of a WebApp (declared once there), minus what each version sets
 * (`image`, `version`) and what a blue/green pair does not have (`autoscaling`, `topologySpread`), with a Service
 * that cannot be omitted (the versions are reached through it).
 */
export type BlueGreenSharedProps = Omit<WebAppProps, 'name' | 'image' | 'version' | 'autoscaling' | 'topologySpread' | 'service'> & {
  /**
   * The stable Service: its name, type, affinity, traffic policies, annotations, and how it targets the pod ports.
   * @default - a ClusterIP Service named after the app, targeting the container ports by name
   */
  readonly service?: WorkloadServiceOptions;
};

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
  /** Base name (ServiceAccount, `app.kubernetes.io/name`, prefix of the Deployments and preview Services). */
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

  protected readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: BlueGreenDeploymentProps) {
    super(scope, id);
    const plan = resolveBlueGreen(this, props);
    this.name = plan.name;
    this.identity = plan.identity;
    this.trafficMode = plan.trafficMode;
    this.versionNames = plan.versions.map((v) => v.name);
    this.activeVersion = plan.activeVersion;
    this.replicas = Object.fromEntries(plan.versions.map((v) => [v.name, v.replicas]));
    this.strategy = plan.rollout.strategy;
    this.podSecurity = plan.podSecurity;
    this.selector = plan.metadata.selector;
    const { metadata } = plan;
    const baseLabels = metadata.objectLabels;

    this.serviceAccount = createServiceAccount(this, this.name, baseLabels, metadata.annotations);
    this.deployments = {};
    this.containers = {};
    this.previewServices = {};
    this.disruptionBudgets = {};
    for (const v of plan.versions) {
      const deployment = createAppDeployment(this, `Deployment-${v.name}`, {
        name: `${this.name}-${v.name}`,
        labels: v.labels,
        podLabels: v.podLabels,
        selector: v.selector,
        annotations: metadata.annotations,
        podAnnotations: metadata.podAnnotations,
        replicas: v.replicas,
        rollout: plan.rollout,
        serviceAccount: this.serviceAccount,
        podSecurity: this.podSecurity,
        spreadAcrossHosts: props.spreadAcrossHosts,
        maxPods: v.replicas,
      });
      this.containers[v.name] = addContainer(deployment, deployment, v.container);
      this.deployments[v.name] = deployment;
      if (plan.budget) {
        const pdb = new DisruptionBudget(this, `DisruptionBudget-${v.name}`, {
          ...plan.budget,
          name: `${this.name}-${v.name}`,
          selector: v.selector,
          replicas: v.replicas,
          identity: this.identity,
        });
        applyObjectMetadata(pdb.apiObject, metadata.extraLabels, metadata.annotations);
        this.disruptionBudgets[v.name] = pdb;
      }
    }

    const serviceOptions = props.service ?? {};
    this.service = createWorkloadService(this, {
      id: 'Service',
      name: plan.serviceName,
      options: serviceOptions,
      selector: this.trafficMode === TrafficMode.CANARY ? { ...this.selector } : this.versionSelector(this.activeVersion),
      identity: this.identity,
      labels: { ...metadata.extraLabels, ...(serviceOptions.labels ?? {}), [ROLE_LABEL]: ServiceRole.STABLE },
      annotations: metadata.annotations,
    });
    for (const v of plan.versions) {
      this.previewServices[v.name] = createWorkloadService(this, {
        id: `Preview-${v.name}`,
        name: `${this.name}-${v.name}`,
        options: {},
        selector: v.selector,
        identity: this.identity,
        labels: { ...metadata.extraLabels, [ROLE_LABEL]: ServiceRole.PREVIEW },
        annotations: metadata.annotations,
      });
    }
    for (const p of plan.ports) {
      for (const svc of [this.service, ...Object.values(this.previewServices)]) addAppServicePort(svc, p, svc === this.service, plan.targetPortStyle);
    }

    if (props.ingress) {
      this.ingress = new AppIngress(this, 'Ingress', { ...props.ingress, name: props.ingress.name ?? this.name, service: this.service, identity: this.identity });
      applyObjectMetadata(this.ingress.apiObject, metadata.extraLabels, metadata.annotations);
    }
    this.exposurePolicy = createExposurePolicy(this, {
      service: this.service,
      hasIngress: this.ingress !== undefined,
      ingressControllerNamespace: props.ingressControllerNamespace,
      labels: baseLabels,
      annotations: metadata.annotations,
    });
  }

  /** The selector of one version's pods: the stable selector labels plus `version: <slot>`. */
  public versionSelector(version: string): Record<string, string> {
    return { ...this.selector, [VERSION_LABEL]: version };
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

/** One version slot, resolved. */
export interface ResolvedBlueGreenVersion {
  /** The slot name. */
  readonly name: string;
  /** Its replicas. */
  readonly replicas: number;
  /** Labels of its Deployment (with `app.kubernetes.io/version` and the slot). */
  readonly labels: Record<string, string>;
  /** Labels of its pods (the Deployment's, `podLabels` and the selector). */
  readonly podLabels: Record<string, string>;
  /** Its selector: the app's selector and the slot. */
  readonly selector: Record<string, string>;
  /** Its app container. */
  readonly container: ResolvedContainer;
}

/** The validated form of BlueGreenDeploymentProps. */
export interface BlueGreenPlan {
  /** The base name. */
  readonly name: string;
  /** The stable Service's name. */
  readonly serviceName: string;
  /** How the Services target the pod ports. */
  readonly targetPortStyle: TargetPortStyle;
  /** The traffic mode. */
  readonly trafficMode: TrafficMode;
  /** The identity (no version). */
  readonly identity: AppIdentity;
  /** Labels, selector (of every version) and annotations. */
  readonly metadata: WorkloadMetadata;
  /** The versions, in order. */
  readonly versions: ResolvedBlueGreenVersion[];
  /** The active version. */
  readonly activeVersion: string;
  /** The rollout settings of every version. */
  readonly rollout: ResolvedRollout;
  /** The app ports. */
  readonly ports: WebAppPort[];
  /** The PodDisruptionBudget options, if any. */
  readonly budget: DisruptionBudgetOptions | undefined;
  /** Pod security. */
  readonly podSecurity: ResolvedPodSecurity;
}

/** Validates BlueGreenDeploymentProps and applies the defaults (creates no construct). */
export function resolveBlueGreen(scope: IConstruct, props: BlueGreenDeploymentProps): BlueGreenPlan {
  const name = props.name ?? scope.node.id;
  checkDnsLabel(scope, 'name', name);
  const trafficMode = props.trafficMode ?? TrafficMode.BLUE_GREEN;
  checkOneOf(scope, 'trafficMode', trafficMode, Object.values(TrafficMode));
  const identity = resolveIdentity(scope, name, { instance: props.instance, component: props.component, partOf: props.partOf }, 'frontend');

  const versions = props.versions ?? [];
  if (!Array.isArray(versions) || versions.length === 0) fail(scope, 'versions', `must contain at least one version (e.g. [{ name: 'blue', image: ... }]), got ${show(versions)}`);
  versions.forEach((v, i) => {
    checkRecord(scope, `versions[${i}]`, v as unknown);
    checkLabelValue(scope, `versions[${i}].name`, v.name);
    if (v.name === '') fail(scope, `versions[${i}].name`, 'must not be empty, got ""');
    const objectName = `${name}-${v.name}`;
    if (objectName.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(objectName)) {
      fail(scope, `versions[${i}].name`, `must be lowercase letters, digits and '-' (it names the Deployment and Service ${show(objectName)}, a DNS-1123 label of at most 63 characters), got ${show(v.name)}`);
    }
    if (v.appVersion !== undefined) checkLabelValue(scope, `versions[${i}].appVersion`, v.appVersion);
  });
  checkUnique(scope, 'versions[].name', versions.map((v) => v.name));
  const versionNames = versions.map((v) => v.name);
  const activeVersion = props.activeVersion;
  if (!versionNames.includes(activeVersion)) {
    fail(scope, 'activeVersion', `must be one of the versions (${versionNames.map((n) => show(n)).join(', ')}), got ${show(activeVersion)}`);
  }
  const metadata = resolveWorkloadMetadata(scope, props, identity, {
    releaseValues: versions.flatMap((v) => [v.appVersion, versionFromImage(v.image)]),
    reservedKeys: { [VERSION_LABEL]: 'the BlueGreenDeployment sets it to each version\'s slot' },
  });

  const sharedReplicas = props.replicas ?? 2;
  checkInt32(scope, 'replicas', sharedReplicas, { min: 0 });
  const replicas: Record<string, number> = {};
  versions.forEach((v, i) => {
    const r = v.replicas ?? sharedReplicas;
    checkInt32(scope, `versions[${i}].replicas`, r, { min: 0 });
    replicas[v.name] = r;
  });
  if (trafficMode === TrafficMode.BLUE_GREEN && replicas[activeVersion] === 0) {
    fail(scope, 'activeVersion', `selects version ${show(activeVersion)}, which has 0 replicas (the stable Service would have no endpoints); scale it up before the cut-over`);
  }
  if (Object.values(replicas).every((r) => r === 0)) {
    fail(scope, 'replicas', 'must be >= 1 for at least one version (the stable Service would have no endpoints), got 0 for every version');
  }

  const rollout = resolveRollout(scope, props.strategy ?? RolloutStrategy.rollingUpdate(), props);
  const ports = resolveAppPorts(scope, props, 'the versions are reached through the stable Service');
  if (!ports.some((p) => p.expose ?? true)) fail(scope, 'ports', 'must expose at least one port through the Service, got every port with expose: false');

  const budget = disruptionBudgetOptions(props.disruptionBudget);
  if (budget) versions.forEach((v) => validateDisruptionBudget(scope, budget, replicas[v.name], `disruptionBudget(${v.name})`));

  const serviceName = props.service?.name ?? name;
  checkDnsLabel(scope, 'service.name', serviceName);
  const targetPortStyle = props.service?.targetPortStyle ?? TargetPortStyle.BY_NAME;
  checkOneOf(scope, 'service.targetPortStyle', targetPortStyle, Object.values(TargetPortStyle));
  resolveIngressControllerNamespace(scope, props.ingressControllerNamespace, props.ingress !== undefined);

  const podSecurity = resolvePodSecurity(scope, props.podSecurity);
  const containerName = props.containerName ?? name;
  const resolvedVersions = versions.map((v, i): ResolvedBlueGreenVersion => {
    const appVersion = v.appVersion ?? versionFromImage(v.image);
    const container = resolveContainer(scope, containerName, {
      ...props,
      image: v.image,
      ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
      args: v.args ?? props.args,
      env: { ...(props.env ?? {}), ...(v.env ?? {}) },
      resources: mergeResources(props.resources, v.resources),
      shutdownDelay: props.shutdownDelay ?? defaultShutdownDelay(rollout),
    }, podSecurity, `versions[${i}]`);
    checkShutdownDelay(scope, container, rollout);
    return {
      name: v.name,
      replicas: replicas[v.name],
      labels: { ...metadata.extraLabels, ...recommendedLabels({ ...identity, version: appVersion }), [VERSION_LABEL]: v.name },
      podLabels: { ...metadata.userPodLabels, ...recommendedLabels({ ...identity, version: appVersion }), [VERSION_LABEL]: v.name },
      selector: { ...metadata.selector, [VERSION_LABEL]: v.name },
      container,
    };
  });
  return {
    name, serviceName, targetPortStyle, trafficMode, identity, metadata, versions: resolvedVersions, activeVersion, rollout, ports, budget, podSecurity,
  };
}
