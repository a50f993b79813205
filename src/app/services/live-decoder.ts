import { lineStatusSchema, oeeSnapshotSchema, stationStatusSchema, type LineStatus, type OeeSnapshot, type StationStatus } from '../../core/live.schema.ts';
import { lineAndonSchema, type LineAndon } from '../../core/andon/call-view.schema.ts';
import { stationLogWireSchema, type StationLogWire } from '../../core/station-log.schema.ts';
import { parseTopic, type LinePath, type StationPath } from '../../core/topics.ts';

/** One live message as the app uses it, parsed with the core's schemas. */
export type LiveMessage =
  | { kind: 'line-status'; line: LinePath; status: LineStatus }
  | { kind: 'line-oee'; line: LinePath; snapshot: OeeSnapshot }
  | { kind: 'station-status'; station: StationPath; status: StationStatus }
  | { kind: 'station-log'; station: StationPath; log: StationLogWire }
  /** A line's open andon calls (retained, republished on every change). */
  | { kind: 'andon'; line: LinePath; andon: LineAndon }
  /** A live topic whose payload failed its schema (or is no JSON): counted and shown, never applied. */
  | { kind: 'invalid'; topic: string; message: string };

/**
 * The one decoder of the service's retained live topics, for the tablet and the dashboards alike.
 * Returns null for a topic that is not a live one (acks and the like are someone else's).
 */
export function decodeLive(topic: string, payload: string): LiveMessage | null {
  const t = parseTopic(topic);
  if (t?.kind !== 'line-status' && t?.kind !== 'line-oee' && t?.kind !== 'line-andon' && t?.kind !== 'station-status' && t?.kind !== 'station-log') return null;
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { kind: 'invalid', topic, message: 'not JSON' };
  }
  const line: LinePath = { site: t.site, area: t.area, line: t.line };
  if (t.kind === 'line-status') {
    const parsed = lineStatusSchema.safeParse(json);
    return parsed.success ? { kind: 'line-status', line, status: parsed.data } : invalid(topic, parsed.error);
  }
  if (t.kind === 'line-oee') {
    const parsed = oeeSnapshotSchema.safeParse(json);
    return parsed.success ? { kind: 'line-oee', line, snapshot: parsed.data } : invalid(topic, parsed.error);
  }
  if (t.kind === 'line-andon') {
    const parsed = lineAndonSchema.safeParse(json);
    return parsed.success ? { kind: 'andon', line, andon: parsed.data } : invalid(topic, parsed.error);
  }
  if (t.kind === 'station-log') {
    const parsed = stationLogWireSchema.safeParse(json);
    return parsed.success ? { kind: 'station-log', station: { ...line, station: t.station }, log: parsed.data } : invalid(topic, parsed.error);
  }
  const parsed = stationStatusSchema.safeParse(json);
  return parsed.success ? { kind: 'station-status', station: { ...line, station: t.station }, status: parsed.data } : invalid(topic, parsed.error);
}

function invalid(topic: string, error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): LiveMessage {
  const first = error.issues[0];
  return { kind: 'invalid', topic, message: first ? `${first.path.map(String).join('.') || '(root)'}: ${first.message}` : 'invalid' };
}
