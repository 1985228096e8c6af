// The book's ConfigMaps (TheK8sBook configmaps/): a map of two keys, a file-style key, and three pods that use
// the map as env vars, in a command line and as files.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AppPod, ConfigBundle, KubecraftApp } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'configmaps');

// #region
const multimap = new ConfigBundle(chart, 'multimap', {
  name: 'multimap', configMapName: 'multimap', data: { given: 'Nigel', family: 'Poulton' },
});
new ConfigBundle(chart, 'test-config', {
  name: 'test',
  configMapName: 'test-config',
  data: { 'test.conf': 'env = plex-test\nendpoint = 0.0.0.0:31001\nchar = utf8\nvault = PLEX/test\nlog-size = 512M\n' },
});
const names = { FIRSTNAME: multimap.envValue('given'), LASTNAME: multimap.envValue('family') };

new AppPod(chart, 'envpod', {
  labels: { chapter: 'configmaps' },
  containerName: 'ctr1',
  image: 'busybox',
  allowLatest: true, // the book's untagged image
  command: ['sleep'],
  args: ['infinity'],
  env: names,
});
new AppPod(chart, 'startup-pod', {
  labels: { chapter: 'configmaps' },
  restartPolicy: kplus.RestartPolicy.ON_FAILURE,
  containerName: 'args1',
  image: 'busybox',
  allowLatest: true,
  command: ['/bin/sh', '-c', 'echo First name $(FIRSTNAME) last name $(LASTNAME)', 'wait'],
  env: names,
});
new AppPod(chart, 'cmvol', {
  containerName: 'ctr',
  image: 'nginx',
  allowLatest: true,
  volumes: [{ volume: multimap.configVolume({ name: 'volmap' }), mounts: [{ path: '/etc/name' }] }],
});
// #endregion

app.synth();
