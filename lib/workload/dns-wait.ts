/**
 * The book's DNS gate: an init container that holds a pod back until a backend's cluster-DNS name resolves
 * (`until nslookup api.demo.svc.cluster.local; do sleep 2; done`), with a timeout so a missing backend shows up
 * as a failed init container instead of a pod waiting forever.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#init-containers-in-use
 */
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { ResourceOptions, mergeResources } from './container';
import { InitContainerOptions } from './container';
import { addInitContainer } from './pods';
import { IBackend, ServiceEndpoint } from '../network/wiring';
import { resolveSeconds } from '../internal/duration';
import { checkOneOf } from '../internal/validate';

/** The pinned image of the DNS wait container (busybox's `nslookup`, which resolves FQDNs reliably). */
export const DEFAULT_DNS_WAIT_IMAGE = 'busybox:1.36.1';

/** The resources of the DNS wait container: it runs `nslookup` and `sleep` only. */
export const DNS_WAIT_RESOURCES: ResourceOptions = {
  cpuRequest: kplus.Cpu.millis(10),
  cpuLimit: kplus.Cpu.millis(100),
  memoryRequest: Size.mebibytes(16),
  memoryLimit: Size.mebibytes(32),
  ephemeralStorageRequest: Size.mebibytes(16),
  ephemeralStorageLimit: Size.mebibytes(128),
};

/**
 * The shell script the container runs. `DNS_NAME`, `TIMEOUT_SECONDS` and `INTERVAL_SECONDS` come from its
 * environment, so the name is never interpolated into the script. Exits 0 once the name resolves, 1 after the
 * timeout.
 */
export const DNS_WAIT_SCRIPT = [
  'deadline=$(( $(date +%s) + TIMEOUT_SECONDS ))',
  'until nslookup "$DNS_NAME" >/dev/null 2>&1; do',
  '  if [ "$(date +%s)" -ge "$deadline" ]; then',
  '    echo "timed out after ${TIMEOUT_SECONDS}s: $DNS_NAME does not resolve" >&2',
  '    exit 1',
  '  fi',
  '  echo "waiting for $DNS_NAME to resolve"',
  '  sleep "$INTERVAL_SECONDS"',
  'done',
  'echo "$DNS_NAME resolves"',
].join('\n');

/** Which DNS name of a Service the container waits for. */
export enum DnsNameForm {
  /** `api.demo.svc.cluster.local`: resolves from any namespace, whatever the search path. */
  FQDN = 'fqdn',
  /** `api.demo`: resolves from any namespace through the pod's search path. */
  NAMESPACED = 'namespaced',
  /** `api`: resolves only from the Service's own namespace (the book's `nslookup k8sbook`). */
  SHORT = 'short',
}

/** Options of the DNS wait init container. */
export interface DnsWaitOptions {
  /**
   * Give up (exit 1, the pod stays in `Init:Error` and is retried with back-off) after this long, in whole seconds.
   * @default Duration.minutes(2)
   */
  readonly timeout?: Duration;
  /**
   * Give up after this many seconds.
   * @deprecated use `timeout`
   */
  readonly timeoutSeconds?: number;
  /**
   * The pause between two lookups, in whole seconds (at most `timeout`).
   * @default Duration.seconds(2)
   */
  readonly interval?: Duration;
  /**
   * Seconds between two lookups.
   * @deprecated use `interval`
   */
  readonly intervalSeconds?: number;
  /**
   * Which name of a Service (or backend) target to wait for; a literal DNS name target is used as given.
   * @default DnsNameForm.FQDN
   */
  readonly nameForm?: DnsNameForm;
  /**
   * The command the container runs instead of the timed `nslookup` loop (`DNS_WAIT_SCRIPT`), e.g. the book's
   * `['sh', '-c', 'until nslookup k8sbook; do echo waiting for k8sbook service; sleep 1; done; echo Service found!']`.
   * `DNS_NAME`, `TIMEOUT_SECONDS` and `INTERVAL_SECONDS` are in its environment (`$(DNS_NAME)` expands in it).
   * @default ['sh', '-c', DNS_WAIT_SCRIPT]
   */
  readonly command?: string[];
  /**
   * The image; it must provide `sh`, `date`, `sleep` and `nslookup`.
   * @default DEFAULT_DNS_WAIT_IMAGE (busybox:1.36.1)
   */
  readonly image?: string;
  /**
   * The init container's name.
   * @default - `wait-for-<first label of the name>`, e.g. `wait-for-api`
   */
  readonly containerName?: string;
  /**
   * Resources, merged over `DNS_WAIT_RESOURCES`.
   * @default DNS_WAIT_RESOURCES (cpu 10m/100m, memory 16Mi/32Mi, ephemeral storage 16Mi/128Mi)
   */
  readonly resources?: ResourceOptions;
}

/** What to wait for: a backend (its Service FQDN), a Service endpoint (its FQDN) or a literal DNS name. */
export type DnsWaitTarget = IBackend | ServiceEndpoint | string;

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/;

function hostOf(target: DnsWaitTarget, form: DnsNameForm): string {
  if (typeof target === 'string') return target;
  const endpoint = target instanceof ServiceEndpoint ? target : target.endpoint;
  switch (form) {
    case DnsNameForm.SHORT: return endpoint.shortName;
    case DnsNameForm.NAMESPACED: return endpoint.namespacedName;
    default: return endpoint.fqdn;
  }
}

/**
 * An init container (options for `addInitContainer`, `AppPod`'s `initContainers` or any `AppContainerOptions`
 * consumer) that waits until `target`'s DNS name resolves, for at most `timeout`. By default it resolves the FQDN
 * (`api.demo.svc.cluster.local`), which answers from any namespace whatever the search path (`nameForm`).
 *
 * @example
 * addInitContainer(web.deployment, dnsWaitInitContainer(api, { timeout: Duration.minutes(1) }));
 */
export function dnsWaitInitContainer(target: DnsWaitTarget, options: DnsWaitOptions = {}): InitContainerOptions {
  const form = options.nameForm ?? DnsNameForm.FQDN;
  const label = typeof target === 'string' ? target : target instanceof ServiceEndpoint ? target.fqdn : target.endpoint.fqdn;
  const where = typeof target === 'object' && !(target instanceof ServiceEndpoint) ? target.node.path : `dnsWait(${JSON.stringify(label)})`;
  // the checks name `where`: the backend construct's path, or the target itself (an endpoint or a name has no path)
  const scope: IConstruct = typeof target === 'object' && !(target instanceof ServiceEndpoint) ? target : { node: { path: where } } as unknown as IConstruct;
  const bad = (prop: string, msg: string): never => {
    throw new Error(`${where}: '${prop}' ${msg}`);
  };
  checkOneOf(scope, 'nameForm', form, Object.values(DnsNameForm));
  if (typeof target === 'string' && options.nameForm !== undefined) {
    bad('nameForm', `applies to a Service or backend target, got it with the DNS name ${JSON.stringify(target)} (used as given)`);
  }
  const host = hostOf(target, form);
  if (host.length === 0 || host.length > 253 || !DNS_NAME.test(host)) {
    bad('target', `must be a DNS name (lowercase letters, digits, '-' and '.'), got ${JSON.stringify(host)}`);
  }
  const timeoutSeconds = resolveSeconds(scope, {
    prop: 'timeout', value: options.timeout, secondsProp: 'timeoutSeconds', seconds: options.timeoutSeconds, default: Duration.minutes(2), min: 1,
  });
  const intervalSeconds = resolveSeconds(scope, {
    prop: 'interval', value: options.interval, secondsProp: 'intervalSeconds', seconds: options.intervalSeconds, default: Duration.seconds(2), min: 1,
  });
  if (intervalSeconds > timeoutSeconds) {
    const prop = options.interval !== undefined ? 'interval' : 'intervalSeconds';
    bad(prop, `must be <= the timeout (${timeoutSeconds}s), got ${intervalSeconds}s`);
  }
  const command = options.command ?? ['sh', '-c', DNS_WAIT_SCRIPT];
  if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== 'string')) {
    bad('command', `must be a non-empty list of strings, got ${JSON.stringify(command)}`);
  }
  const containerName = options.containerName ?? `wait-for-${host.split('.')[0]}`.slice(0, 63).replace(/-+$/, '');
  return {
    name: containerName,
    image: options.image ?? DEFAULT_DNS_WAIT_IMAGE,
    command: [...command],
    env: {
      DNS_NAME: host,
      TIMEOUT_SECONDS: String(timeoutSeconds),
      INTERVAL_SECONDS: String(intervalSeconds),
    },
    resources: mergeResources(DNS_WAIT_RESOURCES, options.resources),
    writablePaths: [],
  };
}

/** Adds the DNS wait init container (see `dnsWaitInitContainer`) to a workload; returns it. */
export function addDnsWait(workload: kplus.AbstractPod, target: DnsWaitTarget, options: DnsWaitOptions = {}): kplus.Container {
  return addInitContainer(workload, dnsWaitInitContainer(target, options));
}

