import { columnHelp, CSV_COLUMNS, TABLE_COLUMNS } from '../core/oee/figure-columns.ts';

/** Kept apart from oee-command.ts so the command table can print it without loading the engine. */
export const OEE_USAGE = `Usage: floorboard oee --plant FILE --events FILE [options]

Computes OEE from a plant file (JSON or YAML) and an events file (NDJSON, one event per line,
e.g. from "floorboard import" or "floorboard export") with the same engine the plant service and
the tablets use.

Options:
  --plant FILE       plant file (.json, .yaml or .yml)                      required
  --events FILE      events, one JSON event per line                        required
  --from TIME        window start: 2026-03-02 (local midnight), 2026-03-02T06:00 (local
                     time in the plant's zone) or 2026-03-02T06:00:00+01:00
                                           default: local midnight of the first event's day
  --to TIME          window end (exclusive), same forms
                                           default: local midnight after the last event's day
  --as-of TIME       report as known then: nothing recorded later counts (corrections,
                     voids, classifications, ends, counts)   default: --to or now, the earlier
  --by BUCKET        hour | shift | day | window         default: shift
  --line ID          only this line; repeat for more     default: all lines
  --format FORMAT    table | json | csv                  default: table
  --columns LIST     columns of table or csv, comma-separated, "all" for every one
  -h, --help         show this help

Open stops count until --as-of. Impossible dates (2026-02-30) are refused.
Invalid event lines are reported on stderr and skipped.
Exit codes: 0 done, 1 bad plant file, 2 bad arguments.

OEE form: OEE = A x P x Q with count-based quality (good / total). It equals the simple form
"good count x ideal cycle time / planned time" for one product; with mixed cycle times (several
products, or lines rolled up into an area or site) the two differ, since count-based quality
weighs a reject of a slow product like one of a fast one. Roll-ups sum times and counts, then
derive the ratios; they never average percentages. Definitions: docs/oee.md.

Columns (--columns), with what each figure is:
${columnHelp()}

Table default: ${TABLE_COLUMNS.join(',')}
CSV default:   ${CSV_COLUMNS.join(',')}
`;
