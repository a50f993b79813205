// Rasterises the app icon (SVG) to the PNGs the manifest lists, with Debian's Chromium.
// Run once after changing the artwork: node --import tsx scripts/make-icons.ts
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../public/icons/', import.meta.url));

/** Bars of a rising chart; `safe` shrinks the artwork into the maskable safe zone (inner 80 %). */
const svg = (safe: boolean) => {
  const s = safe ? 0.62 : 0.8;
  const o = (1 - s) / 2;
  const bar = (x: number, h: number, fill: string) =>
    `<rect x="${(o + x * s) * 100}" y="${(o + (1 - h) * s) * 100}" width="${0.2 * s * 100}" height="${h * s * 100}" rx="2" fill="${fill}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100%" height="100%">
    <rect width="100" height="100" ${safe ? '' : 'rx="18"'} fill="#0b1220"/>
    ${bar(0.05, 0.4, '#22c55e')}${bar(0.4, 0.7, '#22c55e')}${bar(0.75, 1, '#facc15')}</svg>`;
};

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const size of [192, 512]) {
    for (const safe of [false, true]) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg(safe)}</body></html>`);
      await page.screenshot({ path: `${out}${safe ? 'maskable' : 'icon'}-${size}.png`, omitBackground: !safe });
      await page.close();
    }
  }
} finally {
  await browser.close();
}
console.log(`icons written to ${out}`);
