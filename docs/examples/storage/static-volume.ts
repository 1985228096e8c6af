import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PersistentVolume, PersistentVolumeClaim, PersistentVolumeSource, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });
const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:2.0.1', ports: [{ name: 'http', port: 8080 }] });

// #region
const share = new PersistentVolume(chart, 'nfs-share', {
  size: '100Gi',
  source: PersistentVolumeSource.nfs({ server: 'nfs.example.com', path: '/exports/media' }),
  accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_MANY],
  labels: { share: 'media' },
});
const claim = share.reserve();                  // pvc-nfs-share, bound both ways
web.mount('/media', claim.toVolume());          // a pod volume from the claim
new PersistentVolumeClaim(chart, 'uploads', { size: '5Gi', selector: { share: 'media' } });  // or select by label
// #endregion

app.synth();
