import { App, Chart, Duration } from 'cdk8s';
import { DatabaseReplication, StatefulDatabase, StorageClass, VolumeBindingMode } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'default', { namespace: 'default' });

// #region
const flash = new StorageClass(chart, 'flash', {
  provisioner: 'pd.csi.storage.gke.io',
  parameters: { type: 'pd-ssd' },
  volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
  allowVolumeExpansion: true,
});
new StatefulDatabase(chart, 'tkb-sts', {
  serviceName: 'dullahan',              // the headless governing Service
  labels: { app: 'web' },               // the book's label, on every object and on the pods
  selectorLabels: { app: 'web' },       // and its selector: the StatefulSet's and the Service's are app=web
  component: 'web',
  replicas: 3,
  replication: DatabaseReplication.independent(),   // three web servers, one webroot each: nothing to replicate
  image: 'nginx:1.27.3',                // the book uses nginx:latest; kubecraft wants a pinned tag
  containerName: 'ctr-web',
  ports: [{ name: 'web', port: 80 }],
  terminationGracePeriod: Duration.seconds(10),
  volumeClaimTemplates: [{ name: 'webroot', size: '1Gi', mountPath: '/usr/share/nginx/html', storageClass: flash }],
  writablePaths: ['/tmp', '/var/cache/nginx', '/var/run'],   // emptyDirs: the root filesystem is read-only
});
// #endregion

app.synth();
