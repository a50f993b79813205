#!/usr/bin/env node
// `npm start` runs this first: build the tablet app only when dist/ is missing or older than its sources,
// so a first start works on a fresh clone and later starts stay fast.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', 'index.html');
const sources = ['index.html', 'vite.config.ts', 'package-lock.json', 'src/app', 'src/core', 'service-worker', 'public'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newestMtime(join(path, name))), st.mtimeMs);
}

const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changedAt = Math.max(...sources.map((s) => newestMtime(join(root, s))));
if (builtAt >= changedAt) process.exit(0);
console.log(builtAt ? 'Sources changed since the last build: building the app…' : 'First start: building the app…');
const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
