import { COLUMN_NAMES, KIND_COLUMNS } from '../core/import/import-kinds.ts';

const columnsOf = (kind: keyof typeof KIND_COLUMNS) => [...KIND_COLUMNS[kind].required, ...KIND_COLUMNS[kind].optional].map((c) => COLUMN_NAMES[c][0]).join(', ');

/** Help of `floorboard import`; its own module so the command table loads nothing else. */
export const IMPORT_USAGE = `Usage: floorboard import --plant FILE --file LOG [options]

Reads a stop, count or changeover log kept on paper or in a spreadsheet (CSV or XLSX) and turns
every valid row into Floorboard events: NDJSON for "floorboard oee", or published to the plant
service as the import user. Every bad row is reported with its row number, column and why; the
valid rows are still imported. Event ids derive from the rows, so importing a file twice changes
nothing.

Options:
  --plant FILE          plant file (.json, .yaml or .yml)                          required
  --file LOG            the log: .csv (one kind, "," or ";" between fields) or .xlsx
                        (sheets named Stops/Stillstände, Counts/Stückzahlen,
                        Changeovers/Rüsten; others take --kind)                    required
  --kind KIND           stops | counts | changeovers (for CSV, or unnamed sheets)
  --map FILE            mapping of names to ids (YAML or JSON):
                        { reasons: { "WZ-Bruch": tool-break }, products: {...}, lines: {...}, stations: {...} }
  --out FILE            write NDJSON here                     default: standard output
  --user ID             import user: author of every event    default: import
  --device ID           import device id                      default: the user id if it starts with "import", else import-<user>
  --publish URL         publish to the plant service at URL (e.g. http://localhost:8080) instead
                        of writing NDJSON; signs in as --user with the password from
                        --password-file FILE (first line) or FLOORBOARD_PASSWORD
  -h, --help            show this help

Columns (header names in English or German, any case and spacing):
  stops:        ${columnsOf('stops')}
  counts:       ${columnsOf('counts')} (time or shift)
  changeovers:  ${columnsOf('changeovers')}
Dates 2026-03-02 or 02.03.2026; times 06:00, local in the plant's time zone; an end before the
start is the next day. Lines, stations, products and reasons by id, name or label (English or
German, as in the plant file), or as the mapping file says. A count for a shift is booked in the
shift's last second. A note becomes a note event beside the row's entry, and every import adds one
note per line saying what was imported from which file, by whom.

Exit codes: 0 every row imported, 1 some rows refused (the rest imported), 2 bad arguments.
`;
