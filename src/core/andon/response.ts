import { isTakenBack, responseTimes, type AndonCall, type CallTimes } from './calls.ts';

/** What a summary groups by and times: a call, or its view on the wire. */
export type SummarizedCall = CallTimes & Pick<AndonCall, 'lineId' | 'reasonId' | 'kind' | 'level'>;

/**
 * Response times of a group of calls: how many, how many answered, and the mean and longest times
 * (ms). Calls taken back by their caller are not in `calls` nor in any time: nobody answered them;
 * `takenBack` counts them.
 */
export interface ResponseRow {
  key: string;
  calls: number;
  takenBack: number;
  acknowledged: number;
  resolved: number;
  meanToAcknowledgeMs: number | null;
  maxToAcknowledgeMs: number | null;
  meanToResolveMs: number | null;
  maxToResolveMs: number | null;
}

/** Calls per line, per reason (the stop's reason, else who was called) and per highest level reached, with response times. */
export interface ResponseSummary {
  total: ResponseRow;
  byLine: ResponseRow[];
  byReason: ResponseRow[];
  byLevel: ResponseRow[];
}

/**
 * The `byReason` key of a call without a stop reason (a button call, no count, no data): who was
 * called, prefixed so it never reads as a reason of the same id (the demo plant's reason
 * "maintenance" is Planned maintenance: a maintenance call is not one).
 */
export const kindGroupKey = (kind: string): string => `kind:${kind}`;
/** The kind of a `byReason` key made by `kindGroupKey`, else null (then the key is a reason id). */
export const kindOfGroupKey = (key: string): string | null => (key.startsWith('kind:') ? key.slice(5) : null);

function rowOf(key: string, all: readonly SummarizedCall[]): ResponseRow {
  const calls = all.filter((c) => !isTakenBack(c));
  const acks = calls.map((c) => responseTimes(c).toAcknowledgeMs).filter((ms): ms is number => ms !== null);
  const resolves = calls.map((c) => responseTimes(c).toResolveMs).filter((ms): ms is number => ms !== null);
  const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
  return { key, calls: calls.length, takenBack: all.length - calls.length, acknowledged: acks.length, resolved: resolves.length, meanToAcknowledgeMs: mean(acks), maxToAcknowledgeMs: max(acks), meanToResolveMs: mean(resolves), maxToResolveMs: max(resolves) };
}

function groupBy(calls: readonly SummarizedCall[], keyOf: (c: SummarizedCall) => string): ResponseRow[] {
  const groups = new Map<string, SummarizedCall[]>();
  for (const c of calls) groups.set(keyOf(c), [...(groups.get(keyOf(c)) ?? []), c]);
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, cs]) => rowOf(k, cs));
}

/**
 * Response times (time to acknowledge, time to resolve) of calls: THE one summary for the API,
 * the lead's view and the shift report. This is response time; the engine's MTTR is repair time
 * and stays as it is.
 */
export function responseSummary(calls: readonly SummarizedCall[]): ResponseSummary {
  return {
    total: rowOf('all', calls),
    byLine: groupBy(calls, (c) => c.lineId),
    byReason: groupBy(calls, (c) => c.reasonId ?? kindGroupKey(c.kind)),
    byLevel: groupBy(calls, (c) => String(c.level)),
  };
}
