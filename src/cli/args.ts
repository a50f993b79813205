import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { describeIssues, FloorboardError } from '../core/index.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses command-line flags with node:util `parseArgs`, then validates them with a zod schema.
 * Every problem becomes an `invalid-arguments` error whose details name the flag, e.g.
 * "--by: must be one of hour, shift, day, window".
 */
export function parseFlags<S extends z.ZodType>(
  argv: string[],
  options: Options,
  schema: S,
  /** Flags that must be given (with a placeholder for the message), unless --help is. */
  required: Record<string, string> = {},
): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    // Node's messages carry a long hint about "--"; the first sentence is the useful part.
    const message = error instanceof Error ? error.message.split('. ')[0]!.replace(/\.$/, '') : String(error);
    throw new FloorboardError('invalid-arguments', 'bad arguments', { details: [message], cause: error });
  }
  // Checked here, not in the schema, so a missing flag is listed together with every other problem.
  const missing = values.help === true ? [] : Object.entries(required).filter(([flag]) => values[flag] === undefined);
  const missingDetails = missing.map(([flag, placeholder]) => `--${flag}: is required (--${flag} ${placeholder})`);
  const result = schema.safeParse(values);
  if (result.success && missingDetails.length > 0) throw new FloorboardError('invalid-arguments', 'bad arguments', { details: missingDetails });
  if (!result.success) {
    // "--by "week": must be one of ..." names the flag and the value the user typed.
    const details = result.error.issues.map((issue) => {
      const [flag, index] = issue.path;
      if (flag === undefined) return describeIssues(new z.ZodError([issue]))[0]!;
      const given = values[String(flag)];
      const value = Array.isArray(given) && typeof index === 'number' ? given[index] : given;
      return `--${String(flag)}${typeof value === 'string' ? ` "${value}"` : ''}: ${issue.message}`;
    });
    throw new FloorboardError('invalid-arguments', 'bad arguments', { details: [...missingDetails, ...details] });
  }
  return result.data;
}
