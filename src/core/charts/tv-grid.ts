/** Columns and rows of the TV grid. */
export interface GridFit {
  cols: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * Fits `n` tiles into a `width` x `height` screen as large as possible, each tile keeping roughly
 * `aspect` (width / height) so text sizes scale evenly: tries every column count and keeps the one
 * whose tiles are biggest. Readable from across a room for 4 lines, still complete for 60.
 */
export function fitGrid(n: number, width: number, height: number, aspect = 1.6, gap = 8): GridFit {
  if (n <= 0 || width <= 0 || height <= 0) return { cols: 1, rows: 1, tileWidth: Math.max(0, width), tileHeight: Math.max(0, height) };
  let best: GridFit = { cols: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  let bestArea = -1;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    // The tile is the largest box of the wanted aspect inside the cell.
    const tileW = Math.min(cellW, cellH * aspect);
    const tileH = tileW / aspect;
    const area = tileW * tileH;
    if (area > bestArea) {
      bestArea = area;
      best = { cols, rows, tileWidth: cellW, tileHeight: cellH };
    }
  }
  return best;
}
