/** Help of `floorboard export`; its own module so the command table loads nothing else. */
export const EXPORT_USAGE = `Usage: floorboard export --url URL --user ID --from TIME --to TIME [options]

Fetches the stored events of the lines the user may read from a plant service (GET /api/events,
paged) as NDJSON, each with the corrected time the service computes with, so that
"floorboard oee" over them gives the figures the service shows (/api/oee).

Options:
  --url URL             the plant service, e.g. http://localhost:8080                required
  --user ID             sign in as this user (password from --password-file FILE,
                        first line, or FLOORBOARD_PASSWORD)                          required
  --password-file FILE  file holding the password
  --from TIME           events from (corrected time): 2026-03-02, 2026-03-02T06:00 (plant
                        time zone) or 2026-03-02T06:00:00+01:00                      required
  --to TIME             events until (exclusive), same forms                         required
  --line ID             only this line; repeat for more       default: every line the user reads
  --out FILE            write NDJSON here                     default: standard output
  --device ID           device id of this session             default: export-<user>
  -h, --help            show this help

To recompute a window, export a day more on each side: a stop open at the window's start, or
classified after its end, is known from events outside it. Then, with the service's answer's
query.now as --as-of:
  floorboard export --url URL --user lead-1 --from 2026-03-01 --to 2026-03-04 --out ev.ndjson
  floorboard oee --plant plant.yaml --events ev.ndjson --from 2026-03-02 --to 2026-03-03 --as-of ...

Exit codes: 0 done, 1 the service refused or failed, 2 bad arguments.
`;
