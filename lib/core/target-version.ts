/**
 * The Kubernetes version an app targets: the oldest API server its manifests must be accepted by. It decides
 * which features the constructs may emit (a native sidecar needs 1.29) and which schemas `checks/` validates
 * `dist/` against.
 *
 * Set it once for the whole app, as a KubecraftApp prop or as the construct context key
 * {@link KUBERNETES_VERSION_CONTEXT} (on the app before any chart is added, or on a chart); every construct reads
 * it through {@link kubernetesVersionOf}. Unset, it is {@link DEFAULT_KUBERNETES_VERSION}: the version
 * cdk8s-plus-27 targets and the oldest this library supports.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { fail, show } from '../internal/validate';

/** The context key holding the target Kubernetes version (`'1.29'`). */
export const KUBERNETES_VERSION_CONTEXT = 'kubecraft.dev/kubernetes-version';

/** The oldest Kubernetes version this library supports (the one cdk8s-plus-27 targets). */
export const OLDEST_KUBERNETES_MINOR = 27;

/** The target when none is set: Kubernetes 1.27. */
export const DEFAULT_KUBERNETES_VERSION = `1.${OLDEST_KUBERNETES_MINOR}`;

/**
 * The file `KubecraftApp.synth()` writes next to the manifests when the app sets a target version, so that
 * `checks/run.sh` validates them against it. Its name ends in none of `.yaml`, `.yml` or `.json`: `kubectl apply -f
 * dist/` never reads it. No file means the default, 1.27.
 */
export const KUBERNETES_VERSION_FILE = '.kubernetes-version';

/** A feature that needs a newer API server than the oldest supported one. */
export interface KubernetesFeature {
  /** What the user asked for, as the error message names it. */
  readonly description: string;
  /** The first Kubernetes minor version (1.<minor>) that accepts it with its default feature gates. */
  readonly minMinor: number;
}

/** Features gated on the target version. */
export const FEATURES = {
  /** Init containers with `restartPolicy: Always` (SidecarContainers, beta and on by default since 1.29). */
  NATIVE_SIDECARS: { description: 'a native sidecar (an init container with restartPolicy: Always)', minMinor: 29 },
  /** The `sleep` action of lifecycle hooks (PodLifecycleSleepAction, beta and on by default since 1.30). */
  SLEEP_ACTION: { description: 'the lifecycle sleep action', minMinor: 30 },
} as const satisfies Record<string, KubernetesFeature>;

const VERSION = /^v?1\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$/;

/**
 * Parses a target version (`'1.29'`, `'v1.29'`, `'1.29.3'`) to its minor number; throws
 * `'<prop>' must be a Kubernetes version 1.<minor> >= 1.27, got ...` naming `scope`.
 */
export function parseKubernetesVersion(scope: IConstruct, prop: string, value: unknown): number {
  const m = typeof value === 'string' ? VERSION.exec(value) : null;
  const minor = m ? Number(m[1]) : NaN;
  if (!m || minor < OLDEST_KUBERNETES_MINOR) {
    fail(scope, prop, `must be a Kubernetes version such as "1.29" (1.${OLDEST_KUBERNETES_MINOR} or newer), got ${show(value)}`);
  }
  return minor;
}

/** The target Kubernetes version of `scope` (`'1.27'` ... ), from the context key or the default. */
export function kubernetesVersionOf(scope: IConstruct): string {
  return `1.${targetMinor(scope)}`;
}

/** The minor number of the target version of `scope` (27 for 1.27). */
export function targetMinor(scope: IConstruct): number {
  const value: unknown = scope.node.tryGetContext(KUBERNETES_VERSION_CONTEXT);
  if (value === undefined) return OLDEST_KUBERNETES_MINOR;
  return parseKubernetesVersion(scope, `context ${KUBERNETES_VERSION_CONTEXT}`, value);
}

/**
 * Throws when `scope`'s target version is older than `feature` needs:
 * `web/api: 'sidecars[0].native' needs Kubernetes 1.29 or newer for a native sidecar (...), but the app targets 1.27; ...`.
 */
export function requireFeature(scope: IConstruct, prop: string, feature: KubernetesFeature): void {
  const minor = targetMinor(scope);
  if (minor < feature.minMinor) {
    fail(scope, prop, `needs Kubernetes 1.${feature.minMinor} or newer for ${feature.description}, but the app targets 1.${minor}; `
      + `set it with new KubecraftApp({ kubernetesVersion: '1.${feature.minMinor}' }) or the context key ${show(KUBERNETES_VERSION_CONTEXT)}`);
  }
}

/** Whether the target version of `scope` has `feature`. */
export function hasFeature(scope: IConstruct, feature: KubernetesFeature): boolean {
  return targetMinor(scope) >= feature.minMinor;
}

/**
 * Writes {@link KUBERNETES_VERSION_FILE} into `dir` when the app (its root node's context) sets a target version,
 * so the schema check validates the output against it. Nothing is written for the default.
 */
export function writeKubernetesVersionFile(app: IConstruct, dir: string): void {
  if (app.node.tryGetContext(KUBERNETES_VERSION_CONTEXT) === undefined) return;
  fs.writeFileSync(path.join(dir, KUBERNETES_VERSION_FILE), `${kubernetesVersionOf(app)}\n`);
}
