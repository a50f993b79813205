import type { Attachment } from 'svelte/attachments';

/** Smallest type a name may shrink to (share of its own size): still readable on a wall TV. */
const MIN_SCALE = 0.7;

/**
 * Shrinks an element's text (through `--fit`, a factor its CSS multiplies its font size by) until
 * it takes at most `maxLines` lines; never cuts it. Used on line names: "Montagelinie 1 …" and
 * "Montagelinie 2 …" must both be read whole. Re-measures when the element's size changes (window,
 * TV grid, font); `text` is there so a new name re-runs it.
 *
 * @example <h3 {@attach fitLines(2, tile.name)}>{tile.name}</h3>
 */
export function fitLines(maxLines: number, text: string): Attachment<HTMLElement> {
  return (el) => {
    void text;
    let width = -1;
    const fit = () => {
      el.style.setProperty('--fit', '1');
      const lineHeight = () => parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.2;
      for (let scale = 1; scale > MIN_SCALE && el.scrollHeight > lineHeight() * maxLines + 1; ) {
        scale = Math.max(MIN_SCALE, scale - 0.05);
        el.style.setProperty('--fit', String(scale));
      }
    };
    // Only a new width (or font) changes how it wraps; its own height changes because of `fit`.
    const observer = new ResizeObserver(([entry]) => {
      const w = entry?.contentRect.width ?? 0;
      if (w === width) return;
      width = w;
      fit();
    });
    observer.observe(el);
    fit();
    return () => observer.disconnect();
  };
}
