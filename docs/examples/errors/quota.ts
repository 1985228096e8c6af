import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Namespace, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new Namespace(chart, 'ns', { name: 'shop', resourceQuota: { requestsCpu: kplus.Cpu.units(1) } });
new WebApp(chart, 'api', { image: 'nginx:1.27.3', autoscaling: { maxReplicas: 10 } }); // 100m each by default
// #endregion

app.synth();
