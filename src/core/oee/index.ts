/** The OEE engine's public surface: batch, live accumulator, and the query contract. */
export { computeOee } from './engine.ts';
export { OeeAccumulator, type OeeWindow } from './accumulator.ts';
export { oeeQuerySchema } from './query.schema.ts';
export { figuresFromSums, type FigureSums } from './bucket-sums.ts';
export { lineNoData, noDataSpans, noDataWithin, monitoredSince, serviceDownFrom, type Monitoring, type RunRecord, type TimeSpan } from './no-data.ts';
