/**
 * Starting room (rows, and slots per id index). Small: the tablet builds a short-lived timeline per
 * station for every tap it lays on the service's status, and zero-filling 1024-slot indexes there
 * cost more than the fold itself (docs/benchmarks.md, tablet budgets); a year's table doubles up
 * to its size in a few more steps.
 */
const INITIAL = 32;
const EMPTY = -1;

/**
 * Id to the latest index under it, for ids stored in `keys` (keys[index] is the id). Open addressing
 * on a hash of the id's characters. Not a Map: a Map computes and caches the engine's own hash in
 * every fresh id string, and for a year of freshly read events that cost several times the
 * character hash here (docs/benchmarks.md, OEE engine).
 *
 * Each slot is two Int32s side by side, index then hash: a probe touches one cache line, not one
 * in an index array and another in a hash array (at ~22 k stops per line-year the table is far
 * bigger than the cache, so each of those was a miss).
 */
class IdIndex {
  /** [index, hash] per slot; index EMPTY when free. */
  private slots = newSlots(INITIAL);
  private used = 0;

  constructor(private readonly keys: readonly string[]) {}

  get size(): number {
    return this.used;
  }

  /** `hash` is hashOf(id), computed once by the caller for every index it asks about that id. */
  get(id: string, hash: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let h = hash & mask; ; h = (h + 1) & mask) {
      const v = slots[2 * h] as number;
      if (v === EMPTY || (slots[2 * h + 1] === hash && this.keys[v] === id)) return v;
    }
  }

  /** Points `id` at `index` (keys[index] must be `id`) and returns the index it pointed at before, or EMPTY. */
  swap(id: string, hash: number, index: number): number {
    if ((this.used + 1) * 4 > this.slots.length) this.grow();
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let h = hash & mask; ; h = (h + 1) & mask) {
      const v = slots[2 * h] as number;
      if (v === EMPTY) {
        this.used++;
        slots[2 * h] = index;
        slots[2 * h + 1] = hash;
        return EMPTY;
      }
      if (slots[2 * h + 1] === hash && this.keys[v] === id) {
        slots[2 * h] = index;
        return v;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = newSlots(old.length);
    const mask = (slots.length >> 1) - 1;
    for (let k = 0; k < old.length; k += 2) {
      const v = old[k] as number;
      if (v === EMPTY) continue;
      const hash = old[k + 1] as number;
      let h = hash & mask;
      while (slots[2 * h] !== EMPTY) h = (h + 1) & mask;
      slots[2 * h] = v;
      slots[2 * h + 1] = hash;
    }
    this.slots = slots;
  }
}

/** Room for `n` slots of [index, hash], all free. */
function newSlots(n: number): Int32Array {
  return new Int32Array(2 * n).fill(EMPTY);
}

/** Characters hashed, from the end of the id. */
const HASHED_TAIL = 12;

/**
 * FNV-1a over the length and the last HASHED_TAIL UTF-16 code units, as two interleaved chains
 * mixed at the end. Event and stop ids are ULIDs or UUIDv7s, whose tails are random (60 and 48
 * bits in the last 12 characters), so the tail separates them as well as the whole id does, in
 * half the steps; ids that share a tail only make longer probes (the index compares whole ids).
 * Two chains because each step waits on the previous multiply. Only this table sees the value.
 */
function hashOf(id: string): number {
  const n = id.length;
  let a = 0x811c9dc5 ^ n;
  let b = 0x01000193;
  let i = n > HASHED_TAIL ? n - HASHED_TAIL : 0;
  for (; i + 1 < n; i += 2) {
    a = Math.imul(a ^ id.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ id.charCodeAt(i + 1), 0x01000193);
  }
  if (i < n) a = Math.imul(a ^ id.charCodeAt(i), 0x01000193);
  return Math.imul(a ^ (b >>> 15) ^ (b << 17), 0x01000193);
}

/**
 * A line's stops and their classifications as recorded, before splits, reasons and `now` are
 * applied. Columns instead of an object per stop: a line-year has ~22 k stops, and their objects
 * were a good part of a batch recompute's garbage. Row `i` is the i-th stop opened; `end` is
 * Infinity while open.
 *
 * A classification names a stop id and counts for every stop with that id, whenever it was opened.
 * Each row keeps the latest classification of its id, linked up while the ids are still in cache
 * (at push time), so reports read reasons by row instead of looking ~22 k cold id strings up in a
 * map (each lookup a cache miss).
 */
export class StopTable {
  n = 0;
  readonly id = listOf<string>('');
  /** Reason given at the start, if any. */
  readonly reasonId = listOf<string | null>(null);
  start = new Float64Array(INITIAL);
  end = new Float64Array(INITIAL);
  /** What an unclassified stop is booked to: 1 'setup' (machine setup state, changeovers), 0 'breakdown'. */
  isSetup = new Uint8Array(INITIAL);
  /** Latest classification (row in the log below) of the row's stop id, or -1. */
  private cls = new Int32Array(INITIAL);
  /** Previous row with the same stop id, or -1. */
  private sameId = new Int32Array(INITIAL);
  /** Stop id to its latest row. */
  private readonly rowOf = new IdIndex(this.id);

  /** Classifications in push order, with a chain per stop id back to the previous one. */
  private nCls = 0;
  private clsTs = new Float64Array(INITIAL);
  private clsPrev = new Int32Array(INITIAL);
  private readonly clsReason = listOf<string>('');
  private readonly clsStop = listOf<string>('');
  /** Stop id to its latest classification. */
  private readonly clsOf = new IdIndex(this.clsStop);

  /** Appends a stop and returns its row. */
  add(id: string, start: number, end: number, reasonId: string | null, isSetup: boolean): number {
    const row = this.n;
    if (row === this.start.length) this.grow();
    this.id.push(id);
    this.reasonId.push(reasonId);
    this.start[row] = start;
    this.end[row] = end;
    this.isSetup[row] = isSetup ? 1 : 0;
    // One hash of the id for all three look-ups: hashing was most of this method's time.
    const hash = hashOf(id);
    this.sameId[row] = this.rowOf.swap(id, hash, row);
    // Classified before it started (clock skew, or a reused id).
    this.cls[row] = this.clsOf.size > 0 ? this.clsOf.get(id, hash) : -1;
    return this.n++;
  }

  /** Records a classification of every stop with this id, opened so far or later. */
  classify(stopId: string, ts: number, reasonId: string): void {
    const c = this.nCls++;
    if (c === this.clsTs.length) {
      this.clsTs = grown(this.clsTs, new Float64Array(2 * c));
      this.clsPrev = grown(this.clsPrev, new Int32Array(2 * c));
    }
    this.clsTs[c] = ts;
    this.clsReason.push(reasonId);
    this.clsStop.push(stopId);
    const hash = hashOf(stopId);
    this.clsPrev[c] = this.clsOf.swap(stopId, hash, c);
    for (let row = this.rowOf.get(stopId, hash); row >= 0; row = this.sameId[row] as number) this.cls[row] = c;
  }

  /** The latest row opened under `id`, or -1. */
  latestRow(id: string): number {
    return this.rowOf.get(id, hashOf(id));
  }

  /** The reason of row `row` at `now`: its last classification in push order with ts <= now, else `fallback`. */
  reasonOfRow(row: number, now: number, fallback: string | null): string | null {
    return this.walk(this.cls[row] as number, now, fallback);
  }

  /** `reasonOfRow` for a stop id that may have no row (the new part of a split stop). */
  reasonOfId(stopId: string, now: number, fallback: string | null): string | null {
    return this.clsOf.size > 0 ? this.walk(this.clsOf.get(stopId, hashOf(stopId)), now, fallback) : fallback;
  }

  /** Walks back from the latest: the first one known at `now` is the last one in push order. */
  private walk(c: number, now: number, fallback: string | null): string | null {
    for (; c >= 0; c = this.clsPrev[c] as number) if ((this.clsTs[c] as number) <= now) return this.clsReason[c] as string;
    return fallback;
  }

  private grow(): void {
    const cap = this.start.length * 2;
    this.start = grown(this.start, new Float64Array(cap));
    this.end = grown(this.end, new Float64Array(cap));
    this.isSetup = grown(this.isSetup, new Uint8Array(cap));
    this.cls = grown(this.cls, new Int32Array(cap));
    this.sameId = grown(this.sameId, new Int32Array(cap));
  }
}

/**
 * An empty array already of the general element kind `sample` needs. `[]` starts as small
 * integers and is converted at its first push of a string; every line's fresh table did that
 * again, and code optimised for one kind was thrown out for the other on the first lines of a year.
 */
function listOf<T>(sample: T): T[] {
  const list = [sample];
  list.length = 0;
  return list;
}

/** `to` with `from` copied into its start. */
function grown<T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
