#!/usr/bin/env node
// package.json `prepare`: builds the library when npm installs this repository as a git dependency
// (`npm install git+https://...`), which runs `prepare` (never `prepack`) in a clone before packing it. In the
// repository itself (`npm ci`, `npm install`, `npm pack` run here), INIT_CWD is this directory and nothing is built:
// `prepack` builds for `npm pack`, and a developer's install stays fast and never fails on a work-in-progress build.
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';

const here = realpathSync(process.cwd());
const initCwd = process.env.INIT_CWD ? realpathSync(process.env.INIT_CWD) : here;
if (initCwd !== here) {
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { stdio: 'inherit' });
}
