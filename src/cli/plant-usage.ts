/** Help of `floorboard plant`; its own module so the command table loads nothing else. */
export const PLANT_USAGE = `Usage: floorboard plant export --url URL --user ID [--out FILE]
       floorboard plant apply FILE --url URL --user ID --reason TEXT [--dry-run]
       floorboard plant versions --url URL --user ID

The plant configuration of a running service, as code. The service keeps every applied plant as
a version (who, when, why, what changed) and runs the newest one; admins change it in the app
(#/admin) or here.

  export    writes the version the service runs now as YAML (secrets as hashes)
  apply     validates FILE (YAML or JSON) with the plant schema, shows what would change, and
            applies it as a new version at once, without a restart; --dry-run only shows
  versions  lists the stored versions, newest first, with their changes

Options:
  --url URL             the plant service, e.g. http://localhost:8080                required
  --user ID             sign in as this admin (password from --password-file FILE,
                        first line, or FLOORBOARD_PASSWORD)                          required
  --password-file FILE  file holding the password
  --out FILE            export: write here                    default: standard output
  --reason TEXT         apply: why; kept with the version                            required
  --dry-run             apply: show the changes, apply nothing
  -h, --help            show this help

Exit codes: 0 done, 1 the plant is invalid or the service refused, 2 bad arguments.
`;
