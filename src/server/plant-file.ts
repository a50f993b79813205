import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type * as z from 'zod/mini';
import { describeIssues, FloorboardError, plantSchema, type Plant } from '../core/index.ts';

/**
 * The line a zod path points at. For a missing key the nearest existing parent is used, so
 * "areas.1.lines.0.stations: required" still points the reader at the right line.
 */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const keys = path.slice(0, n).map((k) => (typeof k === 'number' ? k : String(k)));
    const node = n === 0 ? doc.contents : doc.getIn(keys, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return counter.linePos(range[0]).line;
  }
  return undefined;
}

/**
 * Parses the text of a plant file (JSON or YAML, chosen by the name's extension) and validates it
 * with the core `plantSchema`. Throws `invalid-plant` whose `details` list every offending path,
 * why, and the line it is on.
 *
 * @example
 * const plant = parsePlantText(await readFile('plants/demo.plant.yaml', 'utf8'), 'demo.plant.yaml');
 */
export function parsePlantText(text: string, source: string): Plant {
  return parseDocumentText(text, source, plantSchema, 'plant file', 'invalid-plant');
}

/**
 * A JSON or YAML document validated with `schema`; every problem names its path, why, and its line.
 * Shared by the plant file and the central file (issue 16).
 */
export function parseDocumentText<T>(text: string, source: string, schema: { safeParse(data: unknown): { success: true; data: T } | { success: false; error: z.core.$ZodError } }, what: string, code: 'invalid-plant' | 'invalid-config'): T {
  const isJson = extname(source).toLowerCase() === '.json';
  if (isJson) {
    // YAML would accept sloppy JSON (comments, unquoted keys); a .json file must be real JSON.
    try {
      JSON.parse(text);
    } catch (error) {
      throw new FloorboardError(code, `${what} ${source} is not valid JSON`, {
        details: [`(root): ${(error as Error).message}`],
        cause: error,
      });
    }
  }
  const counter = new LineCounter();
  // uniqueKeys (default) makes a duplicated key an error instead of silently keeping the last one.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FloorboardError(code, `${what} ${source} is not valid ${isJson ? 'JSON' : 'YAML'}`, {
      details: doc.errors.map((e) => {
        const at = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
        return `line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}`;
      }),
    });
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const result = schema.safeParse(data);
  if (!result.success) {
    // Same "path: why" lines as everywhere else, plus where to look in the file.
    const details = describeIssues(result.error).map((text, i) => {
      const line = lineOf(doc, counter, result.error.issues[i]?.path ?? []);
      return line ? `${text} (line ${line})` : text;
    });
    const count = details.length === 1 ? '1 problem' : `${details.length} problems`;
    throw new FloorboardError(code, `${what} ${source} is invalid (${count})`, { details });
  }
  return result.data;
}

/**
 * Reads and validates a plant file. Throws `invalid-plant` when it cannot be read or is invalid;
 * the program must refuse to start on it.
 */
export async function loadPlantFile(path: string): Promise<Plant> {
  return (await readPlantFile(path)).plant;
}

/** Reads and validates a plant file, and keeps its text (the service stores its hash: plant-versions.ts). */
export async function readPlantFile(path: string): Promise<{ plant: Plant; text: string }> {
  const text = await readDocumentFile(path, 'plant file', 'invalid-plant');
  return { plant: parsePlantText(text, path), text };
}

/** The text of a configuration document; a missing or unreadable one is an error that says which and why. */
export async function readDocumentFile(path: string, what: string, code: 'invalid-plant' | 'invalid-config'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new FloorboardError(code, `cannot read ${what} ${path}: ${reason}`, { cause: error });
  }
}
