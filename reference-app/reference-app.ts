/**
 * The reference app: one chart per environment, written one file each (`dev.k8s.yaml`, `prod.k8s.yaml`).
 * Each file starts with its Namespace and StorageClass, so `kubectl apply -f dist/` succeeds in one pass.
 */
import { App } from 'cdk8s';
import { KUBERNETES_VERSION_CONTEXT } from '../lib';
import { EnvironmentChart } from './environment-chart';
import { DEV, EnvironmentSettings, PROD, WebSlot } from './settings';

/** Options of {@link buildReferenceApp}. */
export interface ReferenceAppOptions {
  /**
   * The environments to build.
   * @default [DEV, PROD]
   */
  readonly environments?: EnvironmentSettings[];
  /**
   * Overrides the web active version in every environment (the blue/green cut-over), e.g. from `WEB_ACTIVE_VERSION`.
   * @default - each environment's setting
   */
  readonly activeVersion?: WebSlot;
  /**
   * Directory of the gitignored local secret files.
   * @default '.secrets'
   */
  readonly secretsDir?: string;
}

/**
 * The Kubernetes version the reference app targets, unless the app sets one: 1.30, the first whose API server
 * takes the lifecycle `sleep` action, which its Service-backed pods use to drain before SIGTERM.
 */
export const REFERENCE_APP_KUBERNETES_VERSION = '1.30';

/** Adds the reference app's charts to `app` and returns them by environment name. */
export function buildReferenceApp(app: App, options: ReferenceAppOptions = {}): Record<string, EnvironmentChart> {
  if (app.node.tryGetContext(KUBERNETES_VERSION_CONTEXT) === undefined) app.node.setContext(KUBERNETES_VERSION_CONTEXT, REFERENCE_APP_KUBERNETES_VERSION);
  const charts: Record<string, EnvironmentChart> = {};
  for (const settings of options.environments ?? [DEV, PROD]) {
    charts[settings.name] = new EnvironmentChart(app, settings.name, {
      settings,
      activeVersion: options.activeVersion,
      secretsDir: options.secretsDir,
    });
  }
  return charts;
}

/** Parses `WEB_ACTIVE_VERSION` (`blue` or `green`); throws naming the variable on anything else. */
export function activeVersionFromEnv(value: string | undefined): WebSlot | undefined {
  if (value === undefined || value === '') return undefined;
  if (value !== 'blue' && value !== 'green') {
    throw new Error(`WEB_ACTIVE_VERSION must be "blue" or "green", got ${JSON.stringify(value)}`);
  }
  return value;
}
