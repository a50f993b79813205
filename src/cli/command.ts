import { FloorboardError } from '../core/index.ts';

/** Where a command writes; the real process streams in main.ts, buffers in tests. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Directory relative paths in arguments are resolved against. */
  cwd: string;
  /** All of standard input, for secrets that must never be on the command line; none in tests that give none. */
  stdin?: () => Promise<string>;
}

/** One entry of the subcommand table. `load` keeps startup cheap: only the chosen command is imported. */
export interface CliCommand {
  summary: string;
  usage: string;
  load: () => Promise<{ run: (argv: string[], io: CliIo) => Promise<number> }>;
}

/** Exit codes: 0 done, 1 the input files are bad (or an internal error), 2 the arguments are bad. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Maps an error to its exit code: argument problems are 2, everything else 1. */
export function exitCodeFor(error: unknown): number {
  return error instanceof FloorboardError && error.code === 'invalid-arguments' ? EXIT.usage : EXIT.failure;
}
