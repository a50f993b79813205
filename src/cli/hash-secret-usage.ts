/** Help of `floorboard hash-secret`; its own module so the command table loads nothing else. */
export const HASH_SECRET_USAGE = `Usage: floorboard hash-secret < secret.txt
       read -rs SECRET && printf '%s' "$SECRET" | floorboard hash-secret

Reads a PIN or password from standard input (its first line) and prints its hash in the form the
plant file's users hold ("pinHash" of an operator, "passwordHash" of everyone else):
scrypt$N$r$p$salt$hash. The secret is never taken from the command line, where the shell history
and the process list would keep it.

Options:
  -h, --help   show this help

Exit codes: 0 done, 1 failed, 2 bad arguments (any argument but --help, or no secret).
`;
