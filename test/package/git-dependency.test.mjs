// The second way docs/install.md gives to get the package: `npm install git+<url>#<commit>`. npm clones the
// repository, installs its devDependencies, runs its `prepare` script (scripts/prepare-git-dependency.mjs builds
// the library there) and installs the packed result. This installs the committed HEAD of this repository (not
// uncommitted changes) into an empty app and loads it. Run with `node --test test/package/` (part of .ci/run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, run } from './consumer-app.mjs';

test('the repository installs as a git dependency, built, with its kubecraft-synth command', { timeout: 900_000 }, () => {
  const commit = run('git', ['rev-parse', 'HEAD'], REPO).trim();
  const app = mkdtempSync(join(tmpdir(), 'kubecraft-gitdep-'));
  try {
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'gitdep-app', version: '1.0.0', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `git+file://${REPO}#${commit}`], app);
    const pkg = join(app, 'node_modules', 'kubecraft');
    assert.ok(existsSync(join(pkg, 'build', 'lib', 'index.js')), 'the library was built by prepare');
    assert.ok(existsSync(join(pkg, 'build', 'lib', 'index.d.ts')), 'with its type declarations');
    assert.ok(!existsSync(join(pkg, 'lib')), 'and only the packed files are installed');
    assert.ok(existsSync(join(app, 'node_modules', '.bin', 'kubecraft-synth')));
    const loaded = run('node', ['-p', "typeof require('kubecraft').WebApp"], app).trim();
    assert.equal(loaded, 'function', 'the package loads, with its peers installed by npm');
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
