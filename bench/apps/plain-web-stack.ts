// The benchmark's baseline: one web "unit" written with plain cdk8s-plus-27 (plus L1 objects for what kplus 27
// lacks), producing the same kinds of objects as a kubecraft WebApp with its ConfigBundle: ConfigMap, Secret,
// ServiceAccount, Deployment, Service, PodDisruptionBudget and NetworkPolicy.
import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';

export interface PlainWebStackProps {
  /** Kubernetes name of every object of the unit. */
  readonly name: string;
  /** Container image. */
  readonly image: string;
}

export class PlainWebStack extends Construct {
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: PlainWebStackProps) {
    super(scope, id);
    const name = props.name;
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
    const meta = { name, labels };

    const config = new kplus.ConfigMap(this, 'ConfigMap', { metadata: meta, data: { LOG_LEVEL: 'info' } });
    const secret = new kplus.Secret(this, 'Secret', {
      metadata: meta,
      stringData: { API_TOKEN: process.env.BENCH_SECRET ?? '' },
    });
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: meta,
      automountToken: false,
    });
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: meta,
      replicas: 2,
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      podMetadata: { labels },
      securityContext: { ensureNonRoot: true, user: 1000, group: 1000 },
      containers: [{
        name: 'app',
        image: props.image,
        ports: [{ number: 8080, name: 'http' }],
        envFrom: [kplus.Env.fromConfigMap(config), kplus.Env.fromSecret(secret)],
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
        },
        securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
        readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels }));
    // kplus 27 has no seccompProfile and no capability drop: patch the pod for Pod Security "restricted"
    const deployment = ApiObject.of(this.deployment);
    deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));

    this.service = new kplus.Service(this, 'Service', {
      metadata: meta,
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    });
    for (const [k, v] of Object.entries(labels)) this.service.selectLabel(k, v);

    new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata: meta,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels } },
    });
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta,
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: [{ port: k8s.IntOrString.fromNumber(8080), protocol: 'TCP' }] }],
        egress: [{ ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }] }],
      },
    });
  }
}
