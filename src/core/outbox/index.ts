export * from './outbox-state.ts';
export * from './backoff.ts';
export * from './outbox-record.schema.ts';
