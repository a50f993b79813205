import { execSync } from 'node:child_process';

/** Builds the PWA (app + service worker) once per run, so tests drive what ships. */
export default function globalSetup(): void {
  if (process.env.E2E_SKIP_BUILD) return;
  execSync('npx vite build --logLevel warn', { stdio: 'inherit', timeout: 180_000 });
}
