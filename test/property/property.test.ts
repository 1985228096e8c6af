/**
 * Property-based test (fast-check): random props for each construct, valid or not, typed or not. Every case ends
 * as a clear error of the library's form or as output; never a TypeError from inside a dependency. The output's
 * strict schema check runs in `npm run test:property` (many more cases, one batch through checks/).
 * PROPERTY_SEED and PROPERTY_RUNS override the fixed seed and the 40 cases per construct.
 */
import * as fc from 'fast-check';
import { CONSTRUCTS, caseOf, runCase } from './constructs';

const seed = Number(process.env.PROPERTY_SEED ?? '18');
const numRuns = Number(process.env.PROPERTY_RUNS ?? '40');

describe.each(CONSTRUCTS)('%s with random props', (construct) => {
  test('refuses with the library\'s error form or synthesizes; never crashes', () => {
    fc.assert(fc.property(caseOf(construct), (c) => {
      const outcome = runCase(c);
      if (outcome.kind === 'crashed') throw new Error(`${outcome.error}\nprops: ${JSON.stringify(c.props)}`);
    }), { seed, numRuns });
  });
});
