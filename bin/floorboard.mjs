#!/usr/bin/env node
// Entry for `npx floorboard ...`. The sources are TypeScript; tsx's API compiles them on the fly,
// in this process, with paths resolved from this file, so it works from any working directory.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
// All of standard input, read only by the commands that take a secret there (hash-secret, user add/set-pin).
const stdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};
const io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd(), stdin };
// exitCode rather than exit(): a large report written to a pipe must flush first.
process.exitCode = await runCli(process.argv.slice(2), io);
