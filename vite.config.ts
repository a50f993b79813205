import { defineConfig, build, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { injectManifest } from 'workbox-build';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = `${root}dist`;

/**
 * Builds service-worker/sw.ts after the app bundle, then lets Workbox inject the precache manifest
 * of the finished dist/ (so every hashed asset of the shell is precached). Skipped in dev.
 */
function serviceWorker(): Plugin {
  let isSsrOrChild = false;
  return {
    name: 'floorboard-service-worker',
    apply: 'build',
    configResolved(config) {
      isSsrOrChild = Boolean(config.build.ssr) || config.build.lib !== false;
    },
    async closeBundle() {
      if (isSsrOrChild) return;
      await build({
        configFile: false,
        logLevel: 'warn',
        // Workbox guards its dev-only logging with process.env.NODE_ENV, which a worker does not have.
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          minify: true,
          lib: { entry: `${root}service-worker/sw.ts`, formats: ['iife'], name: 'floorboardSw', fileName: () => 'sw.js' },
        },
      });
      const { count, size, warnings } = await injectManifest({
        swSrc: `${outDir}/sw.js`,
        swDest: `${outDir}/sw.js`,
        globDirectory: outDir,
        globPatterns: ['index.html', 'assets/**/*.{js,css}', 'manifest.webmanifest', 'icons/*.png', 'favicon.svg'],
        // Hashed file names make revision info redundant for assets.
        dontCacheBustURLsMatching: /assets\/.+-[\w-]{8,}\./,
        maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
      });
      for (const w of warnings) console.warn(`service worker: ${w}`);
      console.log(`service worker: precaching ${count} files, ${(size / 1024).toFixed(1)} kB`);
      // The company board of the central service (issue 16): a page of its own, built apart so the
      // tablet's chunks and its service worker's precache stay as they are.
      await build({
        configFile: false,
        logLevel: 'warn',
        plugins: [svelte()],
        build: { outDir, emptyOutDir: false, copyPublicDir: false, target: 'es2022', assetsDir: 'central-assets', modulePreload: false, rolldownOptions: { input: `${root}central.html` } },
      });
    },
  };
}

const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };

export default defineConfig({
  plugins: [svelte(), serviceWorker()],
  // The app reports it to the admins' device list (src/app/main.ts).
  define: { __APP_VERSION__: JSON.stringify(version) },
  build: {
    outDir,
    target: 'es2022',
    // BENCH_SOURCEMAP=1: .map files beside the chunks (not referenced by them), to read a cold-start
    // CPU profile (bench:pwa with BENCH_COLD_PROFILE) by source file and line.
    sourcemap: process.env.BENCH_SOURCEMAP ? 'hidden' : false,
    // No <link rel="modulepreload"> per dynamic import: every chunk comes from the service worker's
    // cache, so fetching ahead gains nothing, and adding the links to the head was a third of the
    // first screen's mount at 4x CPU throttle (docs/benchmarks.md, bench:pwa with BENCH_COLD_PROFILE).
    modulePreload: false,
    rolldownOptions: {
      output: {
        // Everything the entry imports statically goes into ONE chunk (the dashboards' lazy chunks
        // import from it too): a cold start fetches and instantiates 2 files instead of 7.
        codeSplitting: { groups: [{ name: 'shell', test: /src[\\/]app[\\/](main\.ts|App\.svelte)$/ }] },
      },
    },
  },
  server: {
    // In dev, the plant service runs beside vite (npm start): forward the API and the MQTT socket.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/mqtt': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
