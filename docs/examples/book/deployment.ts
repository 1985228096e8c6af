// The book's Deployment (TheK8sBook deployments/deploy.yml) and its LoadBalancer Service (deployments/lb.yml):
// pods labelled and selected by `app: hello-world`, the book's rollout settings, the Service renamed `lb-svc`.
import { Chart, Duration } from 'cdk8s';
import { KubecraftApp, RolloutStrategy, ServiceType, TargetPortStyle, WebApp } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'deployments');

// #region
new WebApp(chart, 'hello-deploy', {
  selectorLabels: { app: 'hello-world' },
  replicas: 10,
  revisionHistoryLimit: 5,
  progressDeadline: Duration.minutes(5),
  minReady: Duration.seconds(10),
  strategy: RolloutStrategy.rollingUpdate({ maxUnavailable: 1, maxSurge: 1 }),
  containerName: 'hello-pod',
  image: 'nigelpoulton/k8sbook:1.0',
  ports: [{ name: 'http', port: 8080 }],
  service: {
    name: 'lb-svc',
    type: ServiceType.LOAD_BALANCER,
    labels: { app: 'hello-world' },
    targetPortStyle: TargetPortStyle.BY_NUMBER,
  },
});
// #endregion

app.synth();
