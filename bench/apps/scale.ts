// Scaling benchmark app: N web units, all in one chart or one chart each.
//   BENCH_N       number of units (default 10)
//   BENCH_LAYOUT  'one-chart' | 'chart-each' (default one-chart)
//   BENCH_IMPL    'plain'     -> cdk8s App + PlainWebStack (plain cdk8s-plus-27)
//                 'kubecraft' -> KubecraftApp + the library's web unit (WebApp + ConfigBundle)
//                 'app-only'  -> KubecraftApp + PlainWebStack (isolates the App's effect)
// Run through the fast synth path: node scripts/synth.mjs bench/apps/scale.ts --outdir <dir>
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { KubecraftApp } from '../../lib/core/app';
import { PlainWebStack } from './plain-web-stack';
import { kubecraftUnit } from './kubecraft-unit';

const n = Number(process.env.BENCH_N ?? '10');
const layout = process.env.BENCH_LAYOUT ?? 'one-chart';
const impl = process.env.BENCH_IMPL ?? 'plain';
if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_N must be an integer >= 1, got ${process.env.BENCH_N}`);
if (layout !== 'one-chart' && layout !== 'chart-each') throw new Error(`BENCH_LAYOUT must be one-chart or chart-each, got ${layout}`);
if (impl !== 'plain' && impl !== 'kubecraft' && impl !== 'app-only') throw new Error(`BENCH_IMPL must be plain, kubecraft or app-only, got ${impl}`);

const app = impl === 'plain' ? new App() : new KubecraftApp();
const unit = (scope: Construct, i: number): void => {
  const name = `web-${i}`;
  if (impl !== 'kubecraft') new PlainWebStack(scope, name, { name, image: 'nginx:1.25.3' });
  else kubecraftUnit(scope, name);
};
if (layout === 'one-chart') {
  const chart = new Chart(app, 'web', { namespace: 'bench' });
  for (let i = 0; i < n; i++) unit(chart, i);
} else {
  for (let i = 0; i < n; i++) unit(new Chart(app, `web-${i}`, { namespace: 'bench' }), i);
}
app.synth();
