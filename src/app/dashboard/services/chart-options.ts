import uPlot from 'uplot';
import type { Formats } from '../../../core/format.ts';
import { legendValue } from './legend-latest.ts';

/** How the charts write numbers and times: the viewer's language (core/format.ts), handed in by the screen. */
export type ChartFormats = Pick<Formats, 'number' | 'percent' | 'time' | 'dayMonth'>;

const count = (f: ChartFormats) => legendValue((v) => f.number(v));
const pct = (f: ChartFormats) => legendValue((v) => f.percent(v / 100, 1));

/** The time column of a chart's legend: its name and values in the viewer's language. */
export interface TimeLegend {
  label: string;
  /** Writes a time (ms) as the screen does: core/format.ts in the viewer's language and the plant's zone. */
  format: (ms: number) => string;
}
const timeSeries = (t: TimeLegend | undefined): uPlot.Series => (t ? { label: t.label, value: legendValue((v) => t.format(v * 1000)) } : {});

/**
 * uPlot options of the dashboard charts. Series differ by colour (Okabe-Ito) AND by dash or bar
 * shape, so none relies on colour alone; the legend names each one.
 */
const axis = { stroke: '#cbd5e1', grid: { stroke: '#334155', width: 1 }, ticks: { stroke: '#334155' } };
/** The time axis in the user's language (uPlot's own labels are English: "2pm", "12/4/26"): hours within two days, days beyond. */
const timeAxis = (f: ChartFormats): uPlot.Axis => ({
  ...axis,
  space: 70,
  values: (u, vals) => {
    const isLong = (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0) > 2 * 86_400;
    return vals.map((v) => (isLong ? f.dayMonth(v * 1000) : f.time(v * 1000)));
  },
});

/**
 * A count scale from zero: bars and cumulative lines stand on y = 0, never on the lowest value (uPlot's
 * own range starts near the data's minimum, so 480 and 600 parts an hour looked like 1 and 5). The top
 * is uPlot's padded one; a scale with nothing on it yet still shows 0 to 1.
 */
export const fromZero: uPlot.Range.Function = (_u, _min, max) => {
  const top = Number.isFinite(max) && max > 0 ? uPlot.rangeNum(0, max, 0.1, true)[1] : null;
  return [0, top !== null && top > 0 ? top : 1];
};

export function hourlyOptions(f: ChartFormats, labels: { good: string; target: string; cumGood: string; cumTarget: string }, timeLegend?: TimeLegend): Omit<uPlot.Options, 'width' | 'height'> {
  const bars = uPlot.paths.bars!({ size: [0.6, 60], align: 0 });
  return {
    scales: { x: { time: true }, n: { auto: true, range: fromZero }, c: { auto: true, range: fromZero } },
    axes: [timeAxis(f), { ...axis, scale: 'n' }, { ...axis, scale: 'c', side: 1, grid: { show: false } }],
    series: [
      timeSeries(timeLegend),
      { label: labels.good, value: count(f), scale: 'n', stroke: '#0072B2', fill: '#0072B2', paths: bars, points: { show: false } },
      { label: labels.target, value: count(f), scale: 'n', stroke: '#E69F00', width: 2, dash: [6, 4], paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } },
      { label: labels.cumGood, value: count(f), scale: 'c', stroke: '#009E73', width: 3, points: { show: false } },
      { label: labels.cumTarget, value: count(f), scale: 'c', stroke: '#CC79A7', width: 2, dash: [2, 4], points: { show: false } },
    ],
  };
}

/** The percent axes: wide enough for "100 %" (German writes a space before the sign; uPlot's 50 px cut its "1"). */
const percentAxis = (f: ChartFormats): uPlot.Axis => ({ ...axis, size: 60, values: (_u, vals) => vals.map((v) => f.percent(v / 100)) });

/**
 * Whether a series has a value with no value beside it: a line needs two, so the first hour of a
 * shift (one value, the rest still to come) drew nothing at all; such a series shows its points.
 */
export const showLonePoints = (u: uPlot, seriesIdx: number): boolean => {
  const v = u.data[seriesIdx] ?? [];
  return v.some((y, i) => y != null && v[i - 1] == null && v[i + 1] == null);
};

/** A, P, Q and OEE in percent over time (hour buckets, or minutes for long windows). */
export function apqOptions(f: ChartFormats, labels: { oee: string; a: string; p: string; q: string }, targetPct: number | null, timeLegend?: TimeLegend): Omit<uPlot.Options, 'width' | 'height'> {
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
    axes: [timeAxis(f), percentAxis(f)],
    series: [
      timeSeries(timeLegend),
      { label: labels.oee, value: pct(f), stroke: '#F8FAFC', width: 3, points: { show: showLonePoints } },
      { label: labels.a, value: pct(f), stroke: '#D55E00', width: 1.5, dash: [8, 4], points: { show: showLonePoints } },
      { label: labels.p, value: pct(f), stroke: '#56B4E9', width: 1.5, dash: [2, 3], points: { show: showLonePoints } },
      { label: labels.q, value: pct(f), stroke: '#009E73', width: 1.5, dash: [12, 3, 2, 3], points: { show: showLonePoints } },
    ],
    hooks: { draw: target },
  };
}

const lineColours = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#F8FAFC'];
const lineDashes: number[][] = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [16, 4], [1, 2], [6, 2, 2, 2]];

/** OEE per line on one axis: each line gets a colour and a dash pattern. */
export function trendOptions(f: ChartFormats, names: readonly string[], timeLegend?: TimeLegend): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: true }, y: { range: [0, 110] } },
    axes: [timeAxis(f), percentAxis(f)],
    series: [timeSeries(timeLegend), ...names.map((label, i) => ({ label, value: pct(f), stroke: lineColours[i % 8]!, width: 2, dash: lineDashes[Math.floor(i / 8) % 8 === 0 ? i % 8 : (i + 3) % 8]!, spanGaps: false, points: { show: true, size: 5 } }))],
  };
}
