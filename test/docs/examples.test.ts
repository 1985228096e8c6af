/**
 * Docs cannot drift: every marked region of README.md and docs/**.md must be what `npm run docs:examples` generates
 * from docs/examples/ (code and synthesized YAML), every example must run and be shown, and no page may carry
 * TypeScript or a Kubernetes manifest that no example generates. The examples themselves are type-checked by
 * `npm run typecheck` (tsconfig.json includes docs/) and linted by `npm run lint`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Problem { file: string; line?: number; message: string; stale?: boolean }
interface Report { problems: Problem[]; examples: string[]; pages: string[] }

jest.setTimeout(120_000);

let report: Report;
beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/docs-examples.mjs', '--check', '--json'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  if (r.stdout.trim() === '') throw new Error(`scripts/docs-examples.mjs --check failed to report:\n${r.stderr}`);
  report = JSON.parse(r.stdout) as Report;
});

const pagesOnDisk = (): string[] => {
  const out = ['README.md'];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.md')) out.push(path.join(dir, e.name));
    }
  };
  walk('docs');
  return out.sort();
};

const show = (ps: Problem[]) => ps.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n');

describe('docs examples', () => {
  test('the check covers README.md and every page under docs/', () => {
    expect([...report.pages].sort()).toEqual(pagesOnDisk());
  });

  test.each(pagesOnDisk())('%s: every generated region is up to date and no code block is hand-written', (page) => {
    const problems = report.problems.filter((p) => p.file === page);
    // on failure: run `npm run docs:examples` (or fix the example it names) and commit the rewritten page
    expect(show(problems)).toBe('');
  });

  test('every example under docs/examples runs and is shown on a page', () => {
    const problems = report.problems.filter((p) => p.file.startsWith('docs/examples/'));
    expect(show(problems)).toBe('');
  });
});
