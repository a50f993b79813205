import { centralFileSchema, type CentralFile } from '../../core/central/central.schema.ts';
import { parseDocumentText, readDocumentFile } from '../plant-file.ts';

/** Reads and validates the central file; a bad one names every problem and its line. */
export async function readCentralFile(path: string): Promise<CentralFile> {
  const text = await readDocumentFile(path, 'central file', 'invalid-config');
  return parseDocumentText(text, path, centralFileSchema, 'central file', 'invalid-config');
}
