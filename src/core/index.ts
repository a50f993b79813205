export * from './ids.schema.ts';
export * from './plant.schema.ts';
export * from './events.schema.ts';
export * from './topics.ts';
export * from './errors.ts';
export * from './oee/report.ts';
export * from './oee/index.ts';
