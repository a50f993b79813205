// Moved to core so ingest's dead-letter reasons and the CLI word event errors the same way.
export { describeEventProblems } from '../core/event-issues.ts';
