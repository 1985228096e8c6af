// The reference app: wiring only. `npm run synth` writes dist/dev.k8s.yaml and dist/prod.k8s.yaml.
// WEB_ACTIVE_VERSION=green npm run synth  -> the blue/green cut-over (see README).
import { KubecraftApp } from './lib/core/app';
import { activeVersionFromEnv, buildReferenceApp } from './reference-app';

const app = new KubecraftApp();
buildReferenceApp(app, { activeVersion: activeVersionFromEnv(process.env.WEB_ACTIVE_VERSION) });
app.synth();
