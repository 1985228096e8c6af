import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Namespace } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new Namespace(chart, 'demo', {
  name: 'demo',                                   // explicit, never hashed
  resourceQuota: { requestsCpu: kplus.Cpu.units(4), limitsMemory: Size.gibibytes(8), pods: 20 },
  limitRange: { defaultRequest: { cpu: kplus.Cpu.millis(50), memory: Size.mebibytes(64) } },
});
// #endregion

app.synth();
