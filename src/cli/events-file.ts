import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { FloorboardError, type FloorEvent } from '../core/index.ts';
import { compiledEventSchema } from '../core/event-parser.ts';
import { describeEventProblems } from '../core/event-issues.ts';

export interface EventsFileResult {
  events: FloorEvent[];
  /** Non-blank lines read. */
  read: number;
  /** Lines skipped because they were not valid events. */
  skipped: number;
  /** One entry per skipped line: "line N: path: why; path: why". */
  problems: string[];
}

/**
 * Reads an NDJSON events file line by line (it may be large) and parses each line with the core
 * `eventSchema`. A bad line is recorded with its number and reason and skipped; it never stops the rest.
 */
export async function readEventsFile(path: string): Promise<EventsFileResult> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new FloorboardError('invalid-arguments', `cannot read events file ${path}: ${reason}`, { cause: error });
  }
  const result: EventsFileResult = { events: [], read: 0, skipped: 0, problems: [] };
  let lineNo = 0;
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNo++;
    const text = raw.trim();
    if (text === '') continue;
    result.read++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      result.skipped++;
      result.problems.push(`line ${lineNo}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = compiledEventSchema.safeParse(value);
    if (parsed.success) {
      result.events.push(parsed.data);
    } else {
      result.skipped++;
      result.problems.push(`line ${lineNo}: ${describeEventProblems(value).join('; ')}`);
    }
  }
  return result;
}
