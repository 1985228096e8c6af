import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AppPod, WebApp, dnsWaitInitContainer } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });

// #region
new AppPod(chart, 'writer', {
  image: 'busybox:1.36.1',
  command: ['sh', '-c', 'while true; do date >> /out/log; sleep 5; done'],
  initContainers: [dnsWaitInitContainer(api, { timeout: Duration.minutes(1) })],   // hold the pod until api resolves
  sidecars: [{ name: 'reader', image: 'busybox:1.36.1', command: ['sh', '-c', 'tail -F /in/log'] }],
  sharedVolumes: [{
    name: 'shared',
    mounts: [
      { container: 'app', path: '/out' },
      { container: 'reader', path: '/in', readOnly: true },   // the same emptyDir, at another path
    ],
  }],
  labels: { tier: 'tools' },
  restartPolicy: kplus.RestartPolicy.ALWAYS,
});
// #endregion

app.synth();
