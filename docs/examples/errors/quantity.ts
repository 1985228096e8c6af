import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Namespace } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new Namespace(chart, 'ns', { name: 'shop', resourceQuota: { requestsCpu: kplus.Cpu.millis(-100) } });
// #endregion

app.synth();
