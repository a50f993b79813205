// npm run bench:pwa — the operator tablet's figures, in Debian's Chromium against the real service:
// first-screen and total JS (gzip), tap-to-IndexedDB-commit, cold start from the service-worker
// cache with 4x CPU throttling, and the drain of 10,000 queued entries to acknowledged.
// BENCH_TAP_CPU=1 adds the main-thread CPU time per tap, from a Chromium trace (see `tapCpu`).
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { ulid } from 'ulid';
import { TestService } from '../test/e2e/support/test-service.ts';
import { TabletPage } from '../test/e2e/support/tablet-page.ts';

const dist = new URL('../dist/', import.meta.url).pathname;
/** The paced taps' mean gap (BENCH_TAP_PACE_MS): they come half to one and a half times it apart. */
const PACE_MS = Number(process.env.BENCH_TAP_PACE_MS ?? 250);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/** The entry chunk and everything it imports statically: what the first screen needs before it runs. */
function jsSizes(): { firstScreen: number; all: number; files: string[] } {
  const html = readFileSync(`${dist}index.html`, 'utf8');
  const entry = /<script type="module"[^>]*src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('no entry script in dist/index.html');
  const gz = (f: string) => gzipSync(readFileSync(`${dist}assets/${f}`), { level: 9 }).length;
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    const code = readFileSync(`${dist}assets/${f}`, 'utf8');
    // Static imports only (`import(` is a lazy chunk).
    for (const m of code.matchAll(/\b(?:import|export)\s*(?:[^"'();]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) visit(m[1]!);
  };
  visit(entry);
  const all = readdirSync(`${dist}assets`).filter((f) => f.endsWith('.js'));
  return { firstScreen: [...seen].reduce((s, f) => s + gz(f), 0), all: all.reduce((s, f) => s + gz(f), 0), files: [...seen] };
}

/**
 * Taps "+1 good" then "Book count" n times in the page. Each time: from the tap until the page learns
 * that the entry's strict transaction committed (`committed`, the budget), and until the committed
 * count is on screen (`shown`).
 * `isMarked`: each tap is framed by performance marks `tap` and `shown` (for the trace, see `tapCpu`).
 */
async function tapToCommit(page: Page, n: number, isMarked = false, gapMs = 0): Promise<{ committed: number[]; shown: number[]; opened: number[]; starts: number[] }> {
  return page.evaluate(async ([n, isMarked, gapMs]) => {
    const bench = (window as unknown as { __bench: { committed?: number; opened?: number; isTapping?: boolean } }).__bench;
    bench.isTapping = true;
    const button = (name: string) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === name || b.getAttribute('aria-label') === name)!;
    const heading = document.getElementById('count-h')!;
    const shown: number[] = [];
    const committed: number[] = [];
    const opened: number[] = [];
    const starts: number[] = [];
    // Paced taps come at uneven gaps, half to one and a half times `gapMs` (a fixed seed, so both
    // builds meet the same gaps): at one fixed gap the taps would keep meeting, or keep missing,
    // whatever the app does on a timer after an entry (its acknowledgements wait 250 ms).
    let seed = 1;
    const gap = () => ((seed = (seed * 48271) % 2147483647), gapMs * (0.5 + seed / 2147483647));
    for (let i = 0; i < n; i++) {
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gap()));
      button('+1 Good').click();
      // Book is tapped once the +1 is on screen, as a person taps it: the frame that draws the +1
      // (after the first rAF's callbacks) is done by the second. With one rAF, the Book tap met the
      // drawing of the +1 in its own frame, which no one's finger can do.
      await new Promise((r) => requestAnimationFrame(r));
      await new Promise((r) => requestAnimationFrame(r));
      const before = heading.textContent;
      const done = new Promise<number>((resolve) => {
        const mo = new MutationObserver(() => {
          if (heading.textContent !== before) {
            mo.disconnect();
            resolve(performance.now());
          }
        });
        mo.observe(heading, { childList: true, subtree: true, characterData: true });
      });
      if (isMarked) performance.mark('tap');
      [bench.committed, bench.opened] = [undefined, undefined];
      const t0 = performance.now();
      starts.push(t0);
      button('Book count').click();
      shown.push((await done) - t0);
      if (bench.committed === undefined) throw new Error('the count was shown before its transaction committed');
      committed.push(bench.committed - t0);
      opened.push(bench.opened! - t0);
      if (isMarked) performance.mark('shown');
    }
    bench.isTapping = false;
    return { committed, shown, opened, starts };
  }, [n, isMarked, gapMs] as const);
}

/**
 * The floor under a tap, in the same page, profile and disk: n bare strict IndexedDB transactions,
 * each putting one record of an outbox record's size and the counter, from the transaction's start
 * to its `complete` event. No app code runs; what this takes, no tap can beat.
 */
async function bareCommit(page: Page, n: number, gapMs = 0): Promise<number[]> {
  return page.evaluate(async ([n, gapMs]) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('bench-floor', 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore('outbox', { keyPath: 'id' });
        open.result.createObjectStore('meta');
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const out: number[] = [];
    let seed = 1;
    const gap = () => ((seed = (seed * 48271) % 2147483647), gapMs * (0.5 + seed / 2147483647));
    for (let i = 0; i < n; i++) {
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gap()));
      await new Promise((r) => requestAnimationFrame(r));
      const t0 = performance.now();
      const tx = db.transaction(['outbox', 'meta'], 'readwrite', { durability: 'strict' });
      const id = `${Date.now().toString(36)}-${i}-${Math.random().toString(36).slice(2)}`;
      const event = { v: 1, id, deviceId: 'bench-device-0001', seq: i, ts: Date.now(), author: 'op-1', lineId: 'line-1', stationId: 'station-1', type: 'count', productId: 'product-1', good: 1, reject: 0 };
      tx.objectStore('outbox').put({ id, seq: i, event, state: { kind: 'pending' }, clockOffsetMs: 3 });
      tx.objectStore('meta').put(i + 1, 'seq');
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      out.push(performance.now() - t0);
    }
    db.close();
    return out;
  }, [n, gapMs] as const);
}

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number }

/**
 * Main-thread CPU time of each tap (thread time of the renderer main thread's top-level trace
 * events between the marks `tap` and `shown`): unlike the wall time, it hardly moves with the load
 * of a shared machine, so before and after can be compared in different minutes.
 */
async function tapCpu(page: Page, n: number): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['devtools.timeline', 'blink.user_timing', 'toplevel', 'v8.execute'] } });
  await tapToCommit(page, n, true);
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await complete;
  const marks = events.filter((e) => e.name === 'tap' || e.name === 'shown').sort((a, b) => a.ts - b.ts);
  const { pid, tid } = marks[0]!;
  const spans: [number, number][] = [];
  for (let i = 0; i + 1 < marks.length; i++) if (marks[i]!.name === 'tap' && marks[i + 1]!.name === 'shown') spans.push([marks[i]!.ts, marks[i + 1]!.ts]);
  const all = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const top: TraceEvent[] = [];
  let end = -Infinity;
  for (const e of all) {
    if (e.ts < end) continue; // nested in the previous top-level event
    top.push(e);
    end = e.ts + e.dur!;
  }
  if (process.env.BENCH_TAP_CPU === 'breakdown') {
    // Where the taps' main-thread time goes: thread time of every event inside the spans, by name.
    const inside = all.filter((e) => spans.some(([a, b]) => e.ts >= a && e.ts < b));
    const byName = new Map<string, number>();
    for (const e of inside) byName.set(e.name, (byName.get(e.name) ?? 0) + (e.tdur ?? e.dur!));
    const rows = [...byName].sort((x, y) => y[1] - x[1]).slice(0, 15);
    console.log('tap main-thread time by trace event (ms per tap, nested events counted in their parents too):');
    for (const [name, us] of rows) console.log(`  ${(us / 1000 / spans.length).toFixed(2).padStart(7)}  ${name}`);
  }
  return spans.map(([a, b]) => {
    let us = 0;
    for (const e of top) {
      const overlap = Math.min(b, e.ts + e.dur!) - Math.max(a, e.ts);
      if (overlap > 0) us += (e.tdur ?? e.dur!) * (overlap / Math.max(e.dur!, 1));
    }
    return us / 1000;
  });
}

/** Starts a trace on `cdp`; the function it gives ends it and returns its events. */
async function startTrace(cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['devtools.timeline', 'blink.user_timing', 'toplevel', 'v8.execute', 'v8', 'disabled-by-default-v8.compile', 'blink', 'loading'] } });
  return async () => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    return events;
  };
}

/** The renderer main thread's time by event name (self time: nested events taken out of their parents), up to the mark `fb:mounted`. */
function printColdTrace(events: TraceEvent[]): void {
  const mounted = events.find((e) => e.name === 'fb:mounted');
  if (!mounted) return console.log('cold trace: no fb:mounted mark');
  const main = events.filter((e) => e.pid === mounted.pid && e.tid === mounted.tid && e.ph === 'X' && e.dur !== undefined && e.ts <= mounted.ts).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: TraceEvent[] = [];
  for (const e of main) {
    while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
    stack.push(e);
  }
  const first = main[0]?.ts ?? mounted.ts;
  console.log(`cold trace: ${((mounted.ts - first) / 1000).toFixed(0)} ms from the first main-thread event to fb:mounted; self time by event:`);
  for (const [name, us] of [...self].sort((x, y) => y[1] - x[1]).slice(0, 20)) console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`);
  // Whether V8 took the compiled code from a cache (a service worker's cached script can carry it).
  const caching = events.filter((e) => /^v8\.(compile|produce|consume)/i.test(e.name) && e.pid === mounted.pid && e.ts <= mounted.ts);
  console.log(`cold trace: code cache events: ${[...new Set(caching.map((e) => `${e.name} ${JSON.stringify((e as { args?: unknown }).args ?? {}).slice(0, 160)}`))].slice(0, 12).join(' | ') || 'none'}`);
}

/** Queues `n` valid count entries straight into the IndexedDB outbox (as if made offline). */
async function queueEntries(page: Page, ids: string[]): Promise<void> {
  await page.evaluate(async (ids) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('floorboard');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const get = <T>(req: IDBRequest<T>) => new Promise<T>((res) => (req.onsuccess = () => res(req.result)));
    const tx = db.transaction(['outbox', 'meta'], 'readwrite');
    const meta = tx.objectStore('meta');
    const enrolment = (await get(meta.get('enrolment'))) as { deviceId: string };
    let seq = ((await get(meta.get('seq'))) as number | undefined) ?? 0;
    const now = Date.now();
    for (const id of ids) {
      const event = { v: 1, id, deviceId: enrolment.deviceId, seq, ts: now, author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 };
      tx.objectStore('outbox').add({ id, seq, event, state: { kind: 'pending' }, clockOffsetMs: null });
      seq++;
    }
    meta.put(seq, 'seq');
    await new Promise((res, rej) => ((tx.oncomplete = res), (tx.onerror = () => rej(tx.error))));
    db.close();
  }, ids);
}

// tsx keeps function names with a `__name` helper that page.evaluate'd functions then need.
const INIT = `(() => {
  globalThis.__name = globalThis.__name || ((f) => f);
  window.__bench = {};
  // The moment the page learns that an entry's strict transaction committed (what the budget names),
  // seen without touching the app: its transactions are made through this prototype (idb wraps them).
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode, options) {
    const tx = transaction.call(this, stores, mode, options);
    if (options && options.durability === 'strict' && this.name !== 'bench-floor') {
      window.__bench.opened ??= performance.now();
      tx.addEventListener('complete', () => (window.__bench.committed = performance.now()));
    } else if (mode === 'readwrite' && window.__bench.isTapping) {
      const span = [performance.now(), Infinity, [].concat(stores).sort().join('+')];
      (window.__bench.writes ??= []).push(span);
      tx.addEventListener('complete', () => (span[1] = performance.now()));
      tx.addEventListener('abort', () => (span[1] = performance.now()));
      // Every other write made during the taps, by its stores: one that shares a store with the
      // tap's transaction (outbox, meta) makes the next tap wait until it is done.
      const key = [].concat(stores).sort().join('+');
      const beside = (window.__bench.beside ??= {});
      beside[key] = (beside[key] ?? 0) + 1;
    }
    return tx;
  };
  // When each live message reached the page (its handling is main-thread work a commit's event may wait behind).
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__bench.isTapping && (window.__bench.messages ??= []).push(performance.now()));
    }
  };
  new MutationObserver(() => {
    const b = window.__bench;
    if (b.interactive === undefined && document.querySelector('[data-testid=station-state]')) b.interactive = performance.now();
    const s = document.querySelector('[data-testid=sync-indicator]');
    if (!s) return;
    if (b.syncStart === undefined && s.getAttribute('data-mode') === 'syncing') b.syncStart = performance.now();
    if (b.syncStart !== undefined && b.drained === undefined && s.getAttribute('data-waiting') === '0') b.drained = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true });
})()`;

if (!process.env.BENCH_SKIP_BUILD) execSync('npx vite build --logLevel warn', { stdio: 'inherit' });
const sizes = jsSizes();
const svc = await TestService.start();
const launch = { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] };
const tabletOptions = { viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' as const };
// A tablet's browser keeps its profile on disk, where V8 keeps the compiled code of the service
// worker's cached scripts for the next start. An off-the-record context (Playwright's default,
// and this bench's until session 13) keeps no such cache: BENCH_INCOGNITO=1 measures that way.
const profileDir = process.env.BENCH_INCOGNITO ? null : mkdtempSync(join(tmpdir(), 'fb-bench-profile-'));
const browser = profileDir ? null : await chromium.launch(launch);
const context = profileDir ? await chromium.launchPersistentContext(profileDir, { ...launch, ...tabletOptions }) : await browser!.newContext(tabletOptions);
console.log(`browser profile: ${profileDir ? 'on disk (as on a tablet)' : 'off the record (BENCH_INCOGNITO)'}`);
try {
  // BENCH_SERVICE_NICE=n: the service (this process's main thread, started before the browser,
  // which keeps the usual priority) runs at nice n. On a plant the service has a machine of its
  // own; here it shares two cores with the tablet's browser, and its work on the previous entry
  // (ingest, fold, statuses) can take the core a commit needs.
  if (process.env.BENCH_SERVICE_NICE) setPriority(Number(process.env.BENCH_SERVICE_NICE));
  await context.addInitScript(INIT);
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);

  // BENCH_TAP_PROFILE=file: a CPU profile of the tablet's page over the 1,000 taps.
  const tapCdp = process.env.BENCH_TAP_PROFILE ? await context.newCDPSession(tablet.page) : null;
  if (tapCdp) await Promise.all([tapCdp.send('Profiler.enable'), tapCdp.send('Profiler.setSamplingInterval', { interval: 200 })]).then(() => tapCdp.send('Profiler.start'));
  // BENCH_TAP_OFFLINE=1: the taps with the network pulled (no acknowledgement written beside them).
  if (process.env.BENCH_TAP_OFFLINE) await context.setOffline(true);
  // Taps and the bare-commit floor alternate in blocks, so both meet the same load on this shared machine.
  const taps: number[] = [];
  const shown: number[] = [];
  const opened: number[] = [];
  const tapStarts: number[] = [];
  const floor: number[] = [];
  for (let block = 0; block < 10; block++) {
    const t = await tapToCommit(tablet.page, 100);
    taps.push(...t.committed);
    tapStarts.push(...t.starts);
    shown.push(...t.shown);
    opened.push(...t.opened);
    floor.push(...(await bareCommit(tablet.page, 100)));
  }
  // At an operator's pace: a count booked every quarter second (gloved hands book a few a second at
  // most), so each tap meets what the previous one set going (its ack, the statuses it brought)
  // done, as a tap does on the floor. The loop above books back to back, the worst case.
  const paced: number[] = [];
  const pacedFloor: number[] = [];
  for (let block = 0; block < 3; block++) {
    paced.push(...(await tapToCommit(tablet.page, 100, false, PACE_MS)).committed);
    pacedFloor.push(...(await bareCommit(tablet.page, 100, PACE_MS)));
  }
  // Which taps met other work: a live message reaching the page, or another write in flight, between the tap and its commit.
  const met = await tablet.page.evaluate(() => {
    const b = (window as unknown as { __bench: { writes?: [number, number, string][]; messages?: number[] } }).__bench;
    return { writes: b.writes ?? [], messages: b.messages ?? [] };
  });
  const sorts: Record<string, number[]> = {};
  tapStarts.forEach((t0, i) => {
    const end = t0 + taps[i]!;
    const write = met.writes.find(([a, z]) => a < end && z > t0);
    if (write) (sorts[`write ${write[2]}`] ??= []).push(taps[i]!);
    else (sorts[met.messages.some((m) => m >= t0 && m < end) ? 'message' : 'quiet'] ??= []).push(taps[i]!);
  });
  const beside = await tablet.page.evaluate(() => (window as unknown as { __bench: { beside?: Record<string, number> } }).__bench.beside ?? {});
  if (process.env.BENCH_TAP_OFFLINE) await context.setOffline(false);
  if (tapCdp) await writeFile(process.env.BENCH_TAP_PROFILE!, JSON.stringify((await tapCdp.send('Profiler.stop')).profile));
  // BENCH_TAP_CPU=1: 300 more taps under a trace, for their main-thread CPU time.
  const cpu = process.env.BENCH_TAP_CPU ? await tapCpu(tablet.page, 300) : null;
  await tablet.waitSynced(60_000);

  const cold: number[] = [];
  await tablet.page.close();
  await context.setOffline(true);
  for (let i = 0; i < 5; i++) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    // BENCH_COLD_PROFILE=file: a CPU profile of the first cold start, up to the first screen.
    const isProfiled = i === 0 && process.env.BENCH_COLD_PROFILE;
    if (isProfiled) await Promise.all([cdp.send('Profiler.enable'), cdp.send('Profiler.setSamplingInterval', { interval: 200 })]).then(() => cdp.send('Profiler.start'));
    // BENCH_COLD_TRACE=1: the first cold start's main-thread time by trace event, up to the first screen.
    const traced = i === 0 && process.env.BENCH_COLD_TRACE ? await startTrace(cdp) : null;
    await page.goto(svc.url);
    await page.waitForFunction(() => (window as unknown as { __bench: { interactive?: number } }).__bench.interactive !== undefined);
    if (isProfiled) await writeFile(process.env.BENCH_COLD_PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    if (traced) printColdTrace(await traced());
    cold.push(await page.evaluate(() => (window as unknown as { __bench: { interactive: number } }).__bench.interactive));
    if (i === 0)
      console.log(
        'cold start marks:',
        await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          const marks = performance.getEntriesByType('mark').map((m) => `${m.name} ${m.startTime.toFixed(0)}`);
          return [`response ${nav.responseEnd.toFixed(0)}`, `dcl ${nav.domContentLoadedEventEnd.toFixed(0)}`, ...marks].join(', ');
        }),
      );
    await page.close();
  }
  await context.setOffline(false);

  const ids = Array.from({ length: 10_000 }, () => ulid());
  const page = await context.newPage();
  await page.goto(svc.url);
  await svc.down();
  await queueEntries(page, ids);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('[data-testid=sync-indicator]')?.getAttribute('data-waiting') === '10000', undefined, { timeout: 60_000 });
  await svc.up();
  await page.waitForFunction(() => (window as unknown as { __bench: { drained?: number } }).__bench.drained !== undefined, undefined, { timeout: 120_000, polling: 100 });
  const { syncStart, drained } = await page.evaluate(() => (window as unknown as { __bench: { syncStart: number; drained: number } }).__bench);
  const stored = new Set((await svc.events()).map((s) => s.event.id));
  const missing = ids.filter((id) => !stored.has(id)).length;

  const rows = [
    ['first-screen JS (gzip)', kb(sizes.firstScreen), '< 60 kB', sizes.firstScreen < 60 * 1024],
    ['all JS (gzip)', kb(sizes.all), '', true],
    ['tap-to-IndexedDB-commit median (1,000 entries)', `${quantile(taps, 0.5).toFixed(1)} ms`, '', true],
    ['tap-to-IndexedDB-commit p95, back to back', `${quantile(taps, 0.95).toFixed(1)} ms`, '< 10 ms', quantile(taps, 0.95) < 10],
    [`tap-to-IndexedDB-commit p95, taps ${PACE_MS / 2}-${PACE_MS * 1.5} ms apart (300 entries)`, `${quantile(paced, 0.95).toFixed(1)} ms`, '< 10 ms', quantile(paced, 0.95) < 10],
    ['cold start offline from SW cache, 4x CPU throttle (median of 5)', `${quantile(cold, 0.5).toFixed(0)} ms`, '< 1000 ms', quantile(cold, 0.5) < 1000],
    ['drain 10,000 queued entries to acknowledged', `${(drained - syncStart).toFixed(0)} ms (${missing} missing)`, '< 5000 ms', drained - syncStart < 5000 && missing === 0],
  ] as const;
  console.log(`first-screen chunks: ${sizes.files.join(', ')}`);
  console.log('| figure | value | budget | ok |\n|---|---|---|---|');
  for (const [name, value, budget, ok] of rows) console.log(`| ${name} | ${value} | ${budget} | ${ok ? 'yes' : 'NO'} |`);
  console.log(`cold starts: ${cold.map((c) => c.toFixed(0)).join(', ')} ms`);
  console.log(`tap-to-commit quantiles: ${[0.5, 0.75, 0.9, 0.95, 0.99, 1].map((q) => `p${q * 100} ${quantile(taps, q).toFixed(1)}`).join(', ')} ms`);
  console.log(`tap-to-commit at an operator's pace (300 taps, ${PACE_MS / 2}-${PACE_MS * 1.5} ms apart) quantiles: ${[0.5, 0.75, 0.9, 0.95, 0.99, 1].map((q) => `p${q * 100} ${quantile(paced, q).toFixed(1)}`).join(', ')} ms`);
  console.log(`bare strict commit at the same pace (300, ${PACE_MS / 2}-${PACE_MS * 1.5} ms apart, alternating blocks) quantiles: ${[0.5, 0.75, 0.9, 0.95, 0.99, 1].map((q) => `p${q * 100} ${quantile(pacedFloor, q).toFixed(1)}`).join(', ')} ms`);
  console.log(`tap-to-shown (the committed count on screen) quantiles: ${[0.5, 0.75, 0.9, 0.95, 0.99, 1].map((q) => `p${q * 100} ${quantile(shown, q).toFixed(1)}`).join(', ')} ms`);
  console.log(`tap-to-transaction (the app's work before the disk's) quantiles: ${[0.5, 0.75, 0.9, 0.95, 0.99, 1].map((q) => `p${q * 100} ${quantile(opened, q).toFixed(1)}`).join(', ')} ms`);
  console.log(`bare strict commit (floor, same page and disk, alternating blocks): ${[0.5, 0.75, 0.9, 0.95, 0.99, 1].map((q) => `p${q * 100} ${quantile(floor, q).toFixed(1)}`).join(', ')} ms`);
  console.log(`back-to-back taps by what they met before their commit: ${Object.entries(sorts).map(([k, xs]) => `${k} ${xs.length} (p50 ${xs.length ? quantile(xs, 0.5).toFixed(1) : '-'}, p95 ${xs.length ? quantile(xs, 0.95).toFixed(1) : '-'})`).join('; ')}`);
  console.log(`other writes during the taps (1,000 back to back, then 300 paced), by their stores: ${Object.entries(beside).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  if (cpu) console.log(`tap main-thread CPU (300 traced taps): median ${quantile(cpu, 0.5).toFixed(2)} ms, p95 ${quantile(cpu, 0.95).toFixed(2)} ms, mean ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(2)} ms`);
} finally {
  await context.close();
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await svc.dispose();
}
