import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { WebApp } from '../../../lib';

const app = new App();
const prod = new Chart(app, 'prod', { namespace: 'prod' });

// #region
const api = new WebApp(prod, 'api', {
  image: 'ghcr.io/acme/api:1.4.2',
  ports: [{ name: 'http', port: 8080, servicePort: 80 }, { name: 'grpc', port: 9090 }],
});
const e = api.endpoint;
// the values, written into a ConfigMap here only to show them
new kplus.ConfigMap(prod, 'names', {
  metadata: { name: 'api-names' },
  data: {
    shortName: e.shortName,
    namespacedName: e.namespacedName,
    fqdn: e.fqdn,
    url: e.url(),
    grpcUrl: e.url({ scheme: 'grpc', portName: 'grpc' }),
    srvName: e.srvName('http'),
    fromProd: e.hostFor('prod'),
    fromDev: e.hostFor('dev'),
  },
});
// #endregion

app.synth();
