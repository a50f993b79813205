/** Help of `floorboard user`; its own module so the command table loads nothing else. */
export const USER_USAGE = `Usage: floorboard user list    --url URL --user ID
       floorboard user add     --url URL --user ID --id ID --name NAME --role ROLE [scope] --reason TEXT
       floorboard user set-pin --url URL --user ID --id ID --reason TEXT
       floorboard user disable --url URL --user ID --id ID --reason TEXT
       floorboard user enable  --url URL --user ID --id ID --reason TEXT

The people of the plant, changed on a running service by an admin. Each change is a new plant
version (kept with who, when and --reason) and applies at once: a disabled user's sessions end
and their sign-in is refused; a new PIN works on the next sign-in.

Secrets come from standard input (first line), never from the command line:
  printf '%s\\n' "$PIN" | floorboard user set-pin --id op-7 ...
  add: the PIN of an operator, the password of everyone else; set-pin: a new PIN or password.

Options:
  --url URL             the plant service, e.g. http://localhost:8080                required
  --user ID             sign in as this admin (password from --password-file FILE,
                        first line, or FLOORBOARD_PASSWORD)                          required
  --password-file FILE  file holding the admin's password
  --id ID               the user to add or change
  --name NAME           add: the name shown on screens
  --role ROLE           add: operator, lead, manager, admin, gateway or importer
  --badge NUMBER        add: an operator's badge (unique in the plant)
  --stations IDS        add: an operator's or gateway's stations, comma-separated
  --lines IDS           add: a lead's or importer's lines, comma-separated
  --areas IDS           add: a manager's areas, comma-separated     default: the whole site
  --reason TEXT         why; kept with the version                                   required
  -h, --help            show this help

Exit codes: 0 done, 1 the service refused, 2 bad arguments.
`;
