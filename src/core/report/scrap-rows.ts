/** Scrap booked to a reason (null: an operator's count with rejects and no reason), as the report model keeps it. */
export interface ScrapEntry {
  reasonId: string | null;
  quantity: number;
}

/** A row of "Scrap by reason": a reason's scrap, or the machine's rejects nobody gave a reason for. */
export interface ScrapRow extends ScrapEntry {
  /** Rejects the machine's counter reported (machine.counter rejectTotal): they carry no reason. */
  isMachine: boolean;
}

/**
 * The rows of "Scrap by reason", accounting for every reject the figures count: operators' scrap by
 * reason, and last the rejects no entry explains (a machine's reject counter), so the rows sum to
 * the report's "Rejects". The report said "Rejects 5" and "Scrap by reason: None" when the machine
 * counted them. One function for the page, the print, the PDF and the email (all lay out
 * layoutShiftReport).
 * @example scrapRows([{ reasonId: 'burr', quantity: 2 }], 5) // burr 2, then { reasonId: null, quantity: 3, isMachine: true }
 */
export function scrapRows(scrap: readonly ScrapEntry[], rejects: number): ScrapRow[] {
  const rows: ScrapRow[] = scrap.map((s) => ({ reasonId: s.reasonId, quantity: s.quantity, isMachine: false }));
  const explained = scrap.reduce((n, s) => n + s.quantity, 0);
  if (rejects > explained) rows.push({ reasonId: null, quantity: rejects - explained, isMachine: true });
  return rows;
}
