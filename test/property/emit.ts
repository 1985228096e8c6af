/**
 * The heavy half of the property-based test: many random cases per construct (PROPERTY_RUNS, default 300; seed
 * PROPERTY_SEED), each in its own namespace `p<n>` (or all in PROPERTY_NAMESPACE); the accepted outputs are written, one file per construct, to
 * the output directory for one strict schema check of them all (checks/run.sh --schema-only). Run through the
 * synth command, which publishes what this writes:
 *
 *   node scripts/synth.mjs test/property/emit.ts --outdir build/property && bash checks/run.sh --schema-only build/property
 *
 * (`npm run test:property` does both.) Exits 1 when a case crashes (an error not of the library's form).
 * Prints one line per construct: cases, accepted, refused.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { CONSTRUCTS, caseOf, runCase } from './constructs';

const runs = Number(process.env.PROPERTY_RUNS ?? '300');
const seed = Number(process.env.PROPERTY_SEED ?? '18');
const only = process.env.PROPERTY_CONSTRUCTS?.split(',');
/** One namespace for every case (the server-side dry-run creates it first); default: `p<n>` per case. */
const namespace = process.env.PROPERTY_NAMESPACE;
const outdir = process.env.CDK8S_OUTDIR;
if (!outdir) throw new Error('CDK8S_OUTDIR is not set: run through node scripts/synth.mjs test/property/emit.ts --outdir <dir>');

let n = 0;
const crashes: string[] = [];
const summary: Record<string, { cases: number; accepted: number; refused: number }> = {};
for (const construct of CONSTRUCTS.filter((c) => !only || only.includes(c))) {
  const docs: unknown[] = [];
  const s = { cases: 0, accepted: 0, refused: 0 };
  for (const c of fc.sample(caseOf(construct), { numRuns: runs, seed })) {
    const outcome = runCase(c, namespace ?? `p${n++}`);
    s.cases++;
    if (outcome.kind === 'accepted') {
      s.accepted++;
      docs.push(...outcome.manifests);
    } else if (outcome.kind === 'refused') {
      s.refused++;
    } else {
      crashes.push(`${construct}: ${outcome.error.split('\n')[0]}\n  props: ${JSON.stringify(c.props)}`);
    }
  }
  summary[construct] = s;
  if (docs.length > 0) fs.writeFileSync(path.join(outdir, `${construct}.k8s.yaml`), Yaml.stringify(...docs));
  console.log(`property ${construct}: ${s.cases} cases, ${s.accepted} accepted (output kept for the schema check), ${s.refused} refused with the library's error form`);
}
// .txt: kubectl apply -f <dir> reads .json files as manifests
fs.writeFileSync(path.join(outdir, 'property-summary.txt'), `${JSON.stringify({ seed, runs, summary }, null, 2)}\n`);
if (crashes.length > 0) {
  console.error(`${crashes.length} case(s) crashed (not the library's error form):\n${crashes.slice(0, 20).join('\n')}`);
  process.exitCode = 1;
}
