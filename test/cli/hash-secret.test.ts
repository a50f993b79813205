import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifySecret } from '../../src/server/auth/secrets.ts';
import { secretHashSchema } from '../../src/core/index.ts';

const BIN = fileURLToPath(new URL('../../bin/floorboard.mjs', import.meta.url));

/** Runs the real `floorboard` in a child process with `input` on its standard input. */
function floorboard(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('floorboard hash-secret (a real child process)', () => {
  it('hashes the first line of standard input into the form a plant file user holds', async () => {
    const { code, stdout, stderr } = await floorboard(['hash-secret'], '4711\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const hash = stdout.trim();
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifySecret('4711', hash)).toBe(true);
    expect(await verifySecret('4712', hash)).toBe(false);
    // The plant schema's users take it as their PIN or password hash.
    expect(secretHashSchema.safeParse(hash).success).toBe(true);
  }, 30_000);

  it('refuses a secret given as an argument, and an empty input, with a clear message', async () => {
    const argued = await floorboard(['hash-secret', '4711'], '');
    expect(argued.code).toBe(2);
    expect(argued.stdout).toBe('');
    expect(argued.stderr).toContain('reads the secret from standard input, never from the command line');
    const empty = await floorboard(['hash-secret'], '\n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('give the secret on standard input');
  }, 30_000);
});
