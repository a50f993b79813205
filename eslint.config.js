import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/** One `no-restricted-imports` block per app layer: `above` names the layers (folders) it may not import. */
function appLayers(layers) {
  return layers.map(({ files, above, packages = [] }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...above.map((layer) => ({ group: [`**/${layer}/**`], message: `${layer} is a higher layer: the app imports downward only (components -> managers -> services -> adapters -> domain, i18n -> core).` })),
            { group: ['**/*.svelte'], message: 'Only components import components.' },
            ...(packages.length ? [{ group: packages, message: 'domain and i18n are pure: no framework, storage or broker.' }] : []),
          ],
        },
      ],
    },
  }));
}

/**
 * One `@typescript-eslint/no-restricted-imports` block per server layer: `above` names the rooms it
 * may not import. Type-only imports stay allowed: a feature may name a door's type (a route's deps)
 * without depending on its code.
 */
function serverLayers(layers) {
  return layers.map(({ files, above }) => ({
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: above.map((room) => ({
            group: [`**/server/${room}/**`, `../${room}/**`],
            allowTypeImports: true,
            message: `${room} is a higher room: the service imports downward only (http, broker -> ingest, live, history, report, station-log, andon -> auth, storage -> core).`,
          })),
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'data/**', 'public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  // The app's one direction (docs/architecture.md): components -> managers -> services -> adapters
  // -> domain, i18n -> core. A layer may import any layer below it, never one above: a service that
  // reads a manager's state, or an adapter that calls a service, is wiring, and wiring lives only in
  // the entry point (src/app/main.ts, exempt). domain and i18n sit just above core: app rules and
  // message tables with no I/O and no state, which every layer may use and which use nothing of the app.
  ...appLayers([
    { files: ['src/app/managers/**', 'src/app/dashboard/managers/**'], above: ['components'] },
    { files: ['src/app/services/**', 'src/app/dashboard/services/**'], above: ['components', 'managers'] },
    { files: ['src/app/adapters/**'], above: ['components', 'managers', 'services'] },
    { files: ['src/app/domain/**', 'src/app/i18n/**'], above: ['components', 'managers', 'services', 'adapters'], packages: ['svelte', 'svelte/*', 'idb', 'mqtt'] },
  ]),
  // The server's one direction (docs/architecture.md): the doors (http, broker) -> the features
  // (ingest, live, history, report, station-log, andon) -> auth, storage -> core. start-service.ts,
  // main.ts and sim/ wire them together and are exempt.
  ...serverLayers([
    { files: ['src/server/{ingest,live,history,report,station-log,andon}/**'], above: ['http', 'broker'] },
    { files: ['src/server/auth/**'], above: ['http', 'broker', 'ingest', 'live', 'history', 'report', 'station-log', 'andon'] },
    { files: ['src/server/storage/**'], above: ['http', 'broker', 'ingest', 'live', 'history', 'report', 'station-log', 'andon', 'auth'] },
  ]),
  {
    // The core is shared by browser, service worker and server: it may not reach for any platform.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'http', 'net'], message: 'src/core is pure: no Node imports.' },
            { group: ['idb', 'mqtt', 'svelte', 'svelte/*', 'workbox-*', 'better-sqlite3', 'pg', 'aedes'], message: 'src/core is pure: adapters live outside core.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'window', message: 'src/core is pure.' }, { name: 'document', message: 'src/core is pure.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Pass time in (a `now` or a Clock); core never reads the clock.' }],
    },
  },
);
