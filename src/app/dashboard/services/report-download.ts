import { dashboardApi } from './dashboard-api.ts';

/**
 * Downloads the shift report CSV of the service (the same engine as every screen). The API wants
 * the bearer token, so the file is fetched and handed to the browser as a blob link.
 */
export async function downloadReportCsv(token: string, lineId: string, from: number, to: number): Promise<void> {
  const csv = await dashboardApi.reportCsv(token, { from, to, by: 'shift', lines: [lineId] });
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${lineId}-${new Date(from).toISOString().slice(0, 16).replace(':', '')}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
