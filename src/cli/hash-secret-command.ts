import { FloorboardError } from '../core/index.ts';
import { hashSecret } from '../server/auth/secrets.ts';
import { secretFromStdin } from './admin-client.ts';
import { EXIT, type CliIo } from './command.ts';
import { HASH_SECRET_USAGE } from './hash-secret-usage.ts';

/**
 * `floorboard hash-secret`: the first line of standard input, hashed as the plant file's users
 * hold it (src/server/auth/secrets.ts). An argument is refused: a secret there would be kept by
 * the shell history and shown in the process list.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    io.out(HASH_SECRET_USAGE);
    return EXIT.ok;
  }
  if (argv.length > 0)
    throw new FloorboardError('invalid-arguments', 'hash-secret takes no arguments: it reads the secret from standard input, never from the command line', {
      details: ['a secret on the command line stays in the shell history and shows in the process list', "use: read -rs SECRET && printf '%s\\n' \"$SECRET\" | floorboard hash-secret"],
    });
  io.out(`${await hashSecret(await secretFromStdin(io, 'secret'))}\n`);
  return EXIT.ok;
}
