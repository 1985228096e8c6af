// docs-env: DEV_DB_PASSWORD=docs-placeholder-not-a-secret
import { KubecraftApp } from '../../lib';
import { buildReferenceApp } from '../../reference-app';

const app = new KubecraftApp();
buildReferenceApp(app);          // what main.ts does, with each environment's own active web version
app.synth();
