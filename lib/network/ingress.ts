/**
 * AppIngress: an `networking.k8s.io/v1` Ingress in front of an {@link AppService}: ingress class, one host,
 * path rules and TLS from an existing Secret, with a stable name.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { AppIdentity, checkIdentity, nameLabelValue, recommendedLabels } from '../core/labels';
import { isIp } from '../internal/cidr';
import { AppService } from './service';
import { installAppChecks } from '../internal/app-checks';
import {
  checkAnnotations, checkArray, checkDnsSubdomain, checkInstance, checkOneOf, checkRecord, checkString, checkUnique, fail, show,
} from '../internal/validate';

/** How an Ingress path matches request paths. */
export enum IngressPathType {
  /** Matches the path and everything below it, by `/`-separated element (`/api` matches `/api/v1`). */
  PREFIX = 'Prefix',
  /** Matches the path exactly. */
  EXACT = 'Exact',
  /** Up to the ingress controller. */
  IMPLEMENTATION_SPECIFIC = 'ImplementationSpecific',
}

/** One path rule. */
export interface IngressPath {
  /** The request path, starting with `/`. */
  readonly path: string;
  /**
   * How the path matches.
   * @default IngressPathType.PREFIX
   */
  readonly pathType?: IngressPathType;
  /**
   * The Service port (by name) the path routes to.
   * @default - the Service's first port
   */
  readonly portName?: string;
}

/** Options of an Ingress for a Service (what a workload passes through). */
export interface AppIngressOptions {
  /**
   * The object name.
   * @default - the Service's name
   */
  readonly name?: string;
  /**
   * The IngressClass (`nginx`, `traefik`, ...).
   * @default - the cluster's default IngressClass
   */
  readonly className?: string;
  /**
   * The host the rules apply to (`www.example.com`, or a wildcard `*.example.com`).
   * @default - every host
   */
  readonly host?: string;
  /**
   * The path rules.
   * @default [{ path: '/', pathType: IngressPathType.PREFIX }]
   */
  readonly paths?: IngressPath[];
  /**
   * Terminate TLS for `host` with the certificate in this existing `kubernetes.io/tls` Secret (never created here).
   * @default - no TLS
   */
  readonly tlsSecretName?: string;
  /**
   * Annotations (controller settings such as `nginx.ingress.kubernetes.io/rewrite-target`).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** Props of {@link AppIngress}. */
export interface AppIngressProps extends AppIngressOptions {
  /** The Service traffic goes to. */
  readonly service: AppService;
  /**
   * The identity whose recommended labels go on the Ingress.
   * @default - `{ name: <name> }`
   */
  readonly identity?: AppIdentity;
}

const WILDCARD_HOST = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** An Ingress host: a DNS subdomain or a wildcard `*.example.com`, never an IP address (the API server refuses one). */
function checkHost(scope: Construct, prop: string, host: string): void {
  if (typeof host === 'string' && isIp(host)) fail(scope, prop, `must be a DNS name, not an IP address (an Ingress rule matches the Host header by name), got ${show(host)}`);
  if (typeof host === 'string' && WILDCARD_HOST.test(host)) {
    if (host.length > 253) checkDnsSubdomain(scope, prop, host);
    return;
  }
  checkDnsSubdomain(scope, prop, host);
}

/** What the API server refuses in an Exact or Prefix path (validateIngressHTTPRuleValue). */
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function checkPath(scope: Construct, prop: string, path: string, type: IngressPathType): void {
  if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path)) fail(scope, prop, `must be an absolute path starting with '/', got ${show(path)}`);
  if (type === IngressPathType.IMPLEMENTATION_SPECIFIC) return;
  const bad = INVALID_PATH_SEQUENCES.find((x) => path.includes(x)) ?? INVALID_PATH_SUFFIXES.find((x) => path.endsWith(x));
  if (bad !== undefined) fail(scope, prop, `must not contain ${show(bad)} (an ${type} path is matched literally; the API server refuses it), got ${show(path)}`);
}

/** The validated form of AppIngressProps: what the constructor builds. */
interface AppIngressPlan {
  readonly name: string;
  readonly host: string | undefined;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string> | undefined;
  readonly className: string | undefined;
  readonly tlsSecretName: string | undefined;
  readonly paths: k8s.HttpIngressPath[];
}

/** Validates AppIngressProps and renders the rules (creates no construct). */
function resolveAppIngress(scope: Construct, props: AppIngressProps): AppIngressPlan {
  checkRecord(scope, 'props', props as unknown);
  checkInstance(scope, 'service', props.service, AppService, 'an AppService (e.g. a WebApp\'s service)');
  const name = props.name ?? props.service.name;
  checkDnsSubdomain(scope, 'name', name);
  const host = props.host;
  if (host !== undefined) checkHost(scope, 'host', host);
  if (props.className !== undefined) checkDnsSubdomain(scope, 'className', props.className);
  if (props.tlsSecretName !== undefined) {
    checkDnsSubdomain(scope, 'tlsSecretName', props.tlsSecretName);
    if (host === undefined) fail(scope, 'tlsSecretName', `requires a 'host' (the certificate is served for that host), got tlsSecretName ${show(props.tlsSecretName)} without a host`);
  }
  if (props.annotations !== undefined) checkAnnotations(scope, 'annotations', props.annotations);
  if (props.identity !== undefined) checkIdentity(scope, 'identity', props.identity);
  const given = props.paths ?? [{ path: '/' }];
  checkArray(scope, 'paths', given);
  if (given.length === 0) fail(scope, 'paths', 'must contain at least one path, got []');
  const svc = props.service;
  const paths: k8s.HttpIngressPath[] = given.map((p, i) => {
    checkRecord(scope, `paths[${i}]`, p as unknown);
    const pathType = p.pathType ?? IngressPathType.PREFIX;
    checkOneOf(scope, `paths[${i}].pathType`, pathType, Object.values(IngressPathType));
    checkPath(scope, `paths[${i}].path`, p.path, pathType);
    if (p.portName !== undefined) checkString(scope, `paths[${i}].portName`, p.portName);
    let port: number;
    try {
      port = svc.endpoint.port(p.portName).port;
    } catch {
      fail(scope, `paths[${i}].portName`, `must name a port of Service ${svc.name} (${svc.backendPorts.map((x) => show(x.name)).join(', ') || 'none'}), got ${show(p.portName)}`);
    }
    return { path: p.path, pathType, backend: { service: { name: svc.name, port: { number: port } } } };
  });
  checkUnique(scope, 'paths[].path', given.map((p) => `${p.path} (${p.pathType ?? IngressPathType.PREFIX})`));
  return {
    name,
    host,
    labels: recommendedLabels(props.identity ?? { name: nameLabelValue(name) }),
    annotations: props.annotations && Object.keys(props.annotations).length > 0 ? { ...props.annotations } : undefined,
    className: props.className,
    tlsSecretName: props.tlsSecretName,
    paths,
  };
}

/**
 * An Ingress routing a host's paths to a Service.
 *
 * @example
 * new AppIngress(this, 'web', { service: web.service, className: 'nginx', host: 'www.example.com', tlsSecretName: 'www-tls' });
 */
export class AppIngress extends Construct {
  /** The object name. */
  public readonly name: string;
  /** The host, if any. */
  public readonly host: string | undefined;
  /** The L1 object: the escape hatch. */
  public readonly apiObject: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: AppIngressProps) {
    super(scope, id);
    installAppChecks(this);
    const plan = resolveAppIngress(this, props);
    this.name = plan.name;
    this.host = plan.host;
    this.apiObject = new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: plan.name, labels: plan.labels, annotations: plan.annotations },
      spec: {
        ingressClassName: plan.className,
        rules: [{ host: plan.host, http: { paths: plan.paths } }],
        tls: plan.tlsSecretName !== undefined ? [{ hosts: [plan.host as string], secretName: plan.tlsSecretName }] : undefined,
      },
    });
  }
}
