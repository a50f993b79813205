import type { ShiftReportView } from '../../../core/report/shift-report.schema.ts';
import { api, type ReportQuery } from '../../services/api-client.ts';

/** The report page's data: one line's report, computed now or as stored at the shift's end. */
export class ShiftReportState {
  report = $state.raw<ShiftReportView | null>(null);
  error = $state('');
  isLoading = $state(false);

  async load(token: string, q: ReportQuery): Promise<void> {
    this.isLoading = true;
    this.error = '';
    try {
      this.report = await api.shiftReport(token, q);
    } catch (e) {
      this.report = null;
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.isLoading = false;
    }
  }
}

/** The stored report of one shift, if the service made one: what the shift picker links to. */
export class StoredReportState {
  madeAt = $state<number | null>(null);

  async load(token: string, lineId: string, from: number, to: number): Promise<void> {
    const { reports } = await api.storedReports(token, { from, to: from + 1, lines: [lineId] }).catch(() => ({ reports: [] }));
    const hit = reports.find((r) => r.lineId === lineId && r.shiftStart === from && r.shiftEnd === to);
    this.madeAt = hit?.madeAt ?? null;
  }
}
