import PDFDocument from 'pdfkit';
import type { ReportLayout, ReportTable } from '../../core/report/report-layout.ts';

const MARGIN = 36;
const INK = '#111111';
const RULE = '#888888';

/**
 * The PDF's standard fonts speak WinAnsi only: Intl's narrow/no-break spaces and the arrow of a
 * correction would print as garbage, so they become their nearest WinAnsi text.
 */
const winAnsi = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ').replace(/→/g, '->');

/** A shift report's layout as an A4 PDF (one page for a normal shift), made on the service. */
export function renderReportPdf(layout: ReportLayout): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: winAnsi(layout.title), Creator: 'Floorboard' }, lang: layout.lang });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(16).text(winAnsi(layout.title));
  doc.font('Helvetica').fontSize(9).text(winAnsi(`${layout.subtitle} · ${layout.madeAt}`));
  doc.moveDown(0.6);
  kpiGrid(doc, layout, width);
  for (const table of layout.tables) drawTable(doc, table, width);
  doc.end();
  return done;
}

/** Key figures in four columns of label and value. */
function kpiGrid(doc: PDFKit.PDFDocument, layout: ReportLayout, width: number): void {
  const cols = 4;
  const cw = width / cols;
  const top = doc.y;
  layout.kpis.forEach((k, i) => {
    const x = MARGIN + (i % cols) * cw;
    const y = top + Math.floor(i / cols) * 28;
    doc.font('Helvetica').fontSize(8).fillColor(INK).text(winAnsi(k.label), x, y, { width: cw - 6, lineBreak: false, ellipsis: true });
    doc.font('Helvetica-Bold').fontSize(i === 0 ? 14 : 11).text(winAnsi(k.value), x, y + 10, { width: cw - 6, lineBreak: false });
  });
  doc.x = MARGIN;
  doc.y = top + Math.ceil(layout.kpis.length / cols) * 28 + 6;
}

function drawTable(doc: PDFKit.PDFDocument, table: ReportTable, width: number): void {
  if (doc.y > doc.page.height - MARGIN - 40) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(winAnsi(table.title), MARGIN, doc.y + 4);
  doc.fontSize(8);
  if (table.rows.length === 0) {
    doc.font('Helvetica').text(winAnsi(table.empty), MARGIN);
    return;
  }
  // Columns as wide as their widest cell needs, shared out over the page: texts get the room.
  doc.font('Helvetica');
  const need = table.head.map((h, i) => Math.max(40, ...[h, ...table.rows.map((r) => r[i] ?? '')].map((c) => doc.widthOfString(winAnsi(c)) + 8)));
  const total = need.reduce((a, b) => a + b, 0);
  const widths = need.map((w) => (w / total) * width);
  const row = (cells: string[], font: string) => {
    doc.font(font);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(winAnsi(c), { width: widths[i]! - 4 }))) + 3;
    if (doc.y + h > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      doc.text(winAnsi(c), x, y, { width: widths[i]! - 4 });
      x += widths[i]!;
    });
    doc.moveTo(MARGIN, y + h - 1).lineTo(MARGIN + width, y + h - 1).lineWidth(0.3).strokeColor(RULE).stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  row(table.head, 'Helvetica-Bold');
  for (const r of table.rows) row(r, 'Helvetica');
}
