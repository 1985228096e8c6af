/**
 * The book's DNS gate: an init container that holds a pod back until a backend's cluster-DNS name resolves
 * (`until nslookup api.demo.svc.cluster.local; do sleep 2; done`), with a timeout so a missing backend shows up
 * as a failed init container instead of a pod waiting forever.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#init-containers-in-use
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ResourceOptions, mergeResources } from './container';
import { InitContainerOptions } from './container';
import { addInitContainer } from './pods';
import { IBackend, ServiceEndpoint } from '../network/wiring';

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

/** Options of the DNS wait init container. */
export interface DnsWaitOptions {
  /**
   * Give up (exit 1, the pod stays in `Init:Error` and is retried with back-off) after this many seconds.
   * @default 120
   */
  readonly timeoutSeconds?: number;
  /**
   * Seconds between two lookups.
   * @default 2
   */
  readonly intervalSeconds?: number;
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

function hostOf(target: DnsWaitTarget): string {
  if (typeof target === 'string') return target;
  if (target instanceof ServiceEndpoint) return target.fqdn;
  return target.endpoint.fqdn;
}

/**
 * An init container (options for `addInitContainer`, `AppPod`'s `initContainers` or any `AppContainerOptions`
 * consumer) that waits until `target`'s DNS name resolves, for at most `timeoutSeconds`. It resolves the FQDN
 * (`api.demo.svc.cluster.local`), which answers from any namespace whatever the search path.
 *
 * @example
 * addInitContainer(web.deployment, dnsWaitInitContainer(api, { timeoutSeconds: 60 }));
 */
export function dnsWaitInitContainer(target: DnsWaitTarget, options: DnsWaitOptions = {}): InitContainerOptions {
  const host = hostOf(target);
  const where = typeof target === 'object' && !(target instanceof ServiceEndpoint) ? target.node.path : `dnsWait(${JSON.stringify(host)})`;
  const bad = (prop: string, msg: string): never => {
    throw new Error(`${where}: '${prop}' ${msg}`);
  };
  if (host.length === 0 || host.length > 253 || !DNS_NAME.test(host)) {
    bad('target', `must be a DNS name (lowercase letters, digits, '-' and '.'), got ${JSON.stringify(host)}`);
  }
  const timeoutSeconds = options.timeoutSeconds ?? 120;
  const intervalSeconds = options.intervalSeconds ?? 2;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) bad('timeoutSeconds', `must be an integer >= 1, got ${timeoutSeconds}`);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1) bad('intervalSeconds', `must be an integer >= 1, got ${intervalSeconds}`);
  if (intervalSeconds > timeoutSeconds) bad('intervalSeconds', `must be <= timeoutSeconds (${timeoutSeconds}), got ${intervalSeconds}`);
  const containerName = options.containerName ?? `wait-for-${host.split('.')[0]}`.slice(0, 63).replace(/-+$/, '');
  return {
    name: containerName,
    image: options.image ?? DEFAULT_DNS_WAIT_IMAGE,
    command: ['sh', '-c', DNS_WAIT_SCRIPT],
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

