import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { KubecraftApp, WebApp, WebAppProps } from '../../../lib';

/** A team's own flavour of WebApp: every instance also serves metrics on 9090. */
class MeteredWebApp extends WebApp {
  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id, props);
    this.addPort({ name: 'metrics', port: 9090 });
  }
}

const app = new KubecraftApp();                      // writes to $CDK8S_OUTDIR, else dist/
const chart = new Chart(app, 'shop', { namespace: 'shop' });
new MeteredWebApp(chart, 'cart', { image: 'ghcr.io/example/cart:1.4.2', ports: [{ name: 'http', port: 8080 }] });
app.synth();
