// Used by cluster.sh: `names DIR` prints a CEL list of the StorageClass names kwok's volume stages must serve
// (the manifests' classes plus kwok-volume); `has-default DIR` prints yes when the manifests define a default class.
import { objects, storageClasses } from './manifests.mjs';

const [cmd, dir] = process.argv.slice(2);
const classes = storageClasses(objects(dir));
if (cmd === 'names') {
  const names = ['kwok-volume', ...classes.map((c) => c.name)];
  console.log(`[${names.map((n) => `'${n}'`).join(',')}]`);
} else if (cmd === 'has-default') {
  console.log(classes.some((c) => c.isDefault) ? 'yes' : 'no');
} else {
  console.error('usage: storage-classes.mjs names|has-default DIR');
  process.exit(2);
}
