import uPlot from 'uplot';
import { legendValue } from './legend-latest.ts';

const count = legendValue((v) => String(Math.round(v)));
const pct = legendValue((v) => `${v.toFixed(1)} %`);

/** The time column of a chart's legend: its name and values in the viewer's language (axes stay uPlot's). */
export interface TimeLegend {
  label: string;
  format: Intl.DateTimeFormat;
}
const timeSeries = (t: TimeLegend | undefined): uPlot.Series => (t ? { label: t.label, value: legendValue((v) => t.format.format(v * 1000)) } : {});

/**
 * uPlot options of the dashboard charts. Series differ by colour (Okabe-Ito) AND by dash or bar
 * shape, so none relies on colour alone; the legend names each one.
 */
const axis = { stroke: '#cbd5e1', grid: { stroke: '#334155', width: 1 }, ticks: { stroke: '#334155' } };

export function hourlyOptions(labels: { good: string; target: string; cumGood: string; cumTarget: string }, time?: TimeLegend): Omit<uPlot.Options, 'width' | 'height'> {
  const bars = uPlot.paths.bars!({ size: [0.6, 60], align: 0 });
  return {
    scales: { x: { time: true }, n: { auto: true }, c: { auto: true } },
    axes: [{ ...axis }, { ...axis, scale: 'n' }, { ...axis, scale: 'c', side: 1, grid: { show: false } }],
    series: [
      timeSeries(time),
      { label: labels.good, value: count, scale: 'n', stroke: '#0072B2', fill: '#0072B2', paths: bars, points: { show: false } },
      { label: labels.target, value: count, scale: 'n', stroke: '#E69F00', width: 2, dash: [6, 4], paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } },
      { label: labels.cumGood, value: count, scale: 'c', stroke: '#009E73', width: 3, points: { show: false } },
      { label: labels.cumTarget, value: count, scale: 'c', stroke: '#CC79A7', width: 2, dash: [2, 4], points: { show: false } },
    ],
  };
}

/** A, P, Q and OEE in percent over time (hour buckets, or minutes for long windows). */
export function apqOptions(labels: { oee: string; a: string; p: string; q: string }, targetPct: number | null, time?: TimeLegend): Omit<uPlot.Options, 'width' | 'height'> {
  const target: ((u: uPlot) => void)[] =
    targetPct === null
      ? []
      : [
          (u) => {
            const y = u.valToPos(targetPct, 'y', true);
            const { ctx } = u;
            ctx.save();
            ctx.strokeStyle = '#F0E442';
            ctx.setLineDash([10, 6]);
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.restore();
          },
        ];
  return {
    scales: { x: { time: true }, y: { range: [0, 110] } },
    axes: [{ ...axis }, { ...axis, values: (_u, vals) => vals.map((v) => `${v} %`) }],
    series: [
      timeSeries(time),
      { label: labels.oee, value: pct, stroke: '#F8FAFC', width: 3, points: { show: false } },
      { label: labels.a, value: pct, stroke: '#D55E00', width: 1.5, dash: [8, 4], points: { show: false } },
      { label: labels.p, value: pct, stroke: '#56B4E9', width: 1.5, dash: [2, 3], points: { show: false } },
      { label: labels.q, value: pct, stroke: '#009E73', width: 1.5, dash: [12, 3, 2, 3], points: { show: false } },
    ],
    hooks: { draw: target },
  };
}

const lineColours = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#F8FAFC'];
const lineDashes: number[][] = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [16, 4], [1, 2], [6, 2, 2, 2]];

/** OEE per line on one axis: each line gets a colour and a dash pattern. */
export function trendOptions(names: readonly string[], time?: TimeLegend): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: true }, y: { range: [0, 110] } },
    axes: [{ ...axis }, { ...axis, values: (_u, vals) => vals.map((v) => `${v} %`) }],
    series: [timeSeries(time), ...names.map((label, i) => ({ label, value: pct, stroke: lineColours[i % 8]!, width: 2, dash: lineDashes[Math.floor(i / 8) % 8 === 0 ? i % 8 : (i + 3) % 8]!, spanGaps: false, points: { show: true, size: 5 } }))],
  };
}
