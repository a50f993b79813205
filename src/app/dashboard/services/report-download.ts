import { reportFileName } from '../../../core/report/report-file-name.ts';
import { api, type ReportQuery } from '../../services/api-client.ts';


/**
 * Downloads the shift report CSV of the service (the same engine as every screen). The API wants
 * the bearer token, so the file is fetched and handed to the browser as a blob link.
 */
export async function downloadReportCsv(token: string, lineId: string, from: number, to: number, timezone: string): Promise<void> {
  const csv = await api.reportCsv(token, { from, to, by: 'shift', lines: [lineId] });
  saveBlob(new Blob([csv], { type: 'text/csv' }), reportFileName(lineId, from, timezone, 'csv'));
}

/** Downloads the shift report PDF the service makes (in the reader's language), named in plant time as the emailed one. */
export async function downloadReportPdf(token: string, q: ReportQuery, lang: string, timezone: string): Promise<void> {
  saveBlob(await api.shiftReportPdf(token, q, lang), reportFileName(`shift-report-${q.lineId}`, q.from, timezone, 'pdf'));
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
