/** Pure chart-data builders shared by every dashboard screen: typed arrays in, typed arrays out. */
export * from './states.ts';
export * from './board.ts';
export * from './tv-grid.ts';
export * from './timeline.ts';
export * from './pareto.ts';
export * from './series.ts';
export * from './windows.ts';
