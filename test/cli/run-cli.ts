import { runCli } from '../../src/cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `floorboard` in this process (as bin/floorboard.mjs does), from `cwd()`, capturing its output. */
export function cliIn(cwd: () => string, stdin?: () => string): (...args: string[]) => Promise<CliResult> {
  return async (...args) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd: cwd(), ...(stdin ? { stdin: async () => stdin() } : {}) });
    return { code, stdout, stderr };
  };
}
