import { App, Chart, Duration } from 'cdk8s';
import { RolloutStrategy, TopologyKey, WebApp, WhenUnsatisfiable } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new WebApp(chart, 'checkout', {
  image: 'ghcr.io/acme/checkout:3.2.0',
  ports: [{ name: 'http', port: 8080 }],
  replicas: 4,
  strategy: RolloutStrategy.rollingUpdate({ maxSurge: 1, maxUnavailable: 0 }),  // never below 4 ready pods
  minReady: Duration.seconds(10),
  topologySpread: [{ topologyKey: TopologyKey.ZONE, maxSkew: 1, whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE }],
  disruptionBudget: { minAvailable: 3 },
  terminationGracePeriod: Duration.seconds(45),
});
// #endregion

app.synth();
