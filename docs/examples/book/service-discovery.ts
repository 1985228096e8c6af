// The book's service discovery lab (TheK8sBook service-discovery/sd-example.yml): the same app in namespaces dev
// and prod behind a Service `ent` in each, and a jump pod in dev (tty, stdin) that looks them up by name.
import { Chart, Duration } from 'cdk8s';
import { AppPod, KubecraftApp, Namespace, TargetPortStyle, WebApp } from '../../../lib';

const app = new KubecraftApp();

// #region
const charts: Record<string, Chart> = {};
const ent: Record<string, WebApp> = {};
for (const env of ['dev', 'prod']) {
  const chart = charts[env] = new Chart(app, env, { namespace: env });
  new Namespace(chart, 'Namespace', { name: env });
  ent[env] = new WebApp(chart, 'enterprise', {
    labels: { app: 'enterprise' },
    selectorLabels: { app: 'enterprise' },
    replicas: 2,
    terminationGracePeriod: Duration.seconds(1),
    containerName: 'enterprise-ctr',
    image: `nigelpoulton/k8sbook:text-${env}`,
    ports: [{ name: 'http', port: 8080 }],
    service: { name: 'ent', targetPortStyle: TargetPortStyle.BY_NUMBER },
  });
}

const jump = new AppPod(charts.dev, 'jump', {
  terminationGracePeriod: Duration.seconds(5),
  containerName: 'jump',
  image: 'ubuntu',
  allowLatest: true, // the book's untagged image
  tty: true,
  stdin: true,
});
// default-deny namespaces: the jump pod may reach ent in both (env vars with their URLs, and NetworkPolicies)
jump.connectTo(ent.dev, { env: 'ENT_DEV_URL' });
jump.connectTo(ent.prod, { env: 'ENT_PROD_URL' });
// #endregion

app.synth();
