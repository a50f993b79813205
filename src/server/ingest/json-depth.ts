/**
 * Deepest JSON nesting an ingest payload may have. A valid batch is 4 deep (`{events:[{...,
 * replacement:{...}}]}`); 32 leaves room for any later payload field while staying far below the
 * depth at which recursive code overflows the stack (JSON.stringify and zod fail near 10,000; a
 * 20 KB message of brackets reaches that). Issue 11, defect 1.
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether raw JSON bytes nest deeper than `maxDepth`, by counting brackets outside strings: one
 * pass, no allocation, stopping at the first level too deep. Multi-byte UTF-8 never contains these
 * ASCII bytes, so bytes are enough. On text that is not JSON the answer means nothing, but such
 * text is refused by JSON.parse anyway.
 *
 * @example exceedsJsonDepth(Buffer.from('[[[]]]'), 2) // true
 */
export function exceedsJsonDepth(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      // Skip the string: a backslash escapes the byte after it (\" and \\ included).
      for (i++; i < n; i++) {
        const c = bytes[i]!;
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return false;
}
