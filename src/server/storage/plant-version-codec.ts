import { z } from 'zod';
import { epochMsSchema } from '../../core/ids.schema.ts';
import { withoutNul } from './dead-letter-codec.ts';
import { parseQuery, type Placeholder } from './query-builders.ts';

/** A plant configuration version as stored (migration 10): the plant as JSON text, whole. */
export const storedPlantVersionSchema = z.object({
  version: z.number().int().min(1),
  plant: z.string().min(2),
  author: z.string().min(1).max(256),
  reason: z.string().min(1).max(2000),
  createdAt: epochMsSchema,
  /** The readable diff from the version before, one line per change. */
  diff: z.array(z.string()),
  sourceHash: z.string().max(128),
});
export type StoredPlantVersion = z.infer<typeof storedPlantVersionSchema>;
/** A version in the history list: everything but the plant itself. */
export type PlantVersionEntry = Omit<StoredPlantVersion, 'plant'>;

const COLUMNS = ['version', 'plant', 'author', 'reason', 'created_at', 'diff', 'source_hash'] as const;
const ENTRY_COLUMNS = COLUMNS.filter((c) => c !== 'plant').join(', ');

/** Inserts a version unless its number is taken (two admins applying at once: the first one wins). */
export function plantVersionInsertSql(p: Placeholder): string {
  return `INSERT INTO plant_versions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => p(i + 1)).join(', ')}) ON CONFLICT (version) DO NOTHING`;
}

export function plantVersionValues(raw: StoredPlantVersion): unknown[] {
  const v = parseQuery(storedPlantVersionSchema, raw, 'plant version');
  return [v.version, withoutNul(v.plant), withoutNul(v.author), withoutNul(v.reason), v.createdAt, withoutNul(JSON.stringify(v.diff)), v.sourceHash];
}

export const PLANT_VERSION_LATEST_SQL = `SELECT ${COLUMNS.join(', ')} FROM plant_versions ORDER BY version DESC LIMIT 1`;
export const plantVersionGetSql = (p: Placeholder) => `SELECT ${COLUMNS.join(', ')} FROM plant_versions WHERE version = ${p(1)}`;
export const plantVersionListSql = (p: Placeholder) => `SELECT ${ENTRY_COLUMNS} FROM plant_versions ORDER BY version DESC LIMIT ${p(1)}`;

export function fromPlantVersionEntryRow(row: Record<string, unknown>): PlantVersionEntry {
  return {
    version: Number(row.version),
    author: String(row.author),
    reason: String(row.reason),
    createdAt: Number(row.created_at),
    diff: z.array(z.string()).catch([]).parse(JSON.parse(String(row.diff))),
    sourceHash: String(row.source_hash),
  };
}

export function fromPlantVersionRow(row: Record<string, unknown>): StoredPlantVersion {
  return { ...fromPlantVersionEntryRow(row), plant: String(row.plant) };
}

/** An admin action that is not a plant version (migration 30): recomputing stored history. */
export interface AdminAction {
  id: number;
  at: number;
  author: string;
  kind: string;
  reason: string;
  /** JSON of what it did. */
  detail: string;
}

export const adminActionInsertSql = (p: Placeholder) => `INSERT INTO admin_actions (at, author, kind, reason, detail) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`;
export const adminActionValues = (a: Omit<AdminAction, 'id'>): unknown[] => [a.at, withoutNul(a.author), withoutNul(a.kind), withoutNul(a.reason), withoutNul(a.detail)];
export const adminActionListSql = (p: Placeholder) => `SELECT id, at, author, kind, reason, detail FROM admin_actions ORDER BY id DESC LIMIT ${p(1)}`;
export const fromAdminActionRow = (row: Record<string, unknown>): AdminAction => ({
  id: Number(row.id),
  at: Number(row.at),
  author: String(row.author),
  kind: String(row.kind),
  reason: String(row.reason),
  detail: String(row.detail),
});
