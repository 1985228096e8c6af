// One web unit built with the kubecraft library: a ConfigBundle (ConfigMap + Secret from the environment) and a
// WebApp (ServiceAccount, Deployment, Service, PodDisruptionBudget, NetworkPolicy for its LoadBalancer).
// bench/run.mjs sets BENCH_SECRET; no secret value lives in source.
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { BundleSecret, ConfigBundle } from '../../lib/config/config-bundle';
import { SecretSource } from '../../lib/config/secret-source';
import { ServiceType } from '../../lib/network/service';
import { WebApp } from '../../lib/workload/web-app';

export const KUBECRAFT_UNIT = 'WebApp + ConfigBundle';

export function kubecraftUnit(scope: Construct, name: string): void {
  const config = new ConfigBundle(scope, `${name}-config`, {
    name,
    data: { LOG_LEVEL: 'info' },
    secret: BundleSecret.opaque({ API_TOKEN: SecretSource.fromEnv('BENCH_SECRET') }),
  });
  const app = new WebApp(scope, name, {
    name,
    image: 'nginx:1.25.3',
    ports: [{ name: 'http', port: 8080, servicePort: 80 }],
    readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
    disruptionBudget: true,
    service: { type: ServiceType.LOAD_BALANCER },
  });
  config.applyTo(app.deployment);
}
