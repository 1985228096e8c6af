import { App, Chart } from 'cdk8s';
import { ConfigBundle } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
// what a plain-JavaScript caller can write (TypeScript would not compile it)
new ConfigBundle(chart, 'api-config', { name: 'api', data: 'LOG_LEVEL=info' as unknown as Record<string, string> });
// #endregion

app.synth();
