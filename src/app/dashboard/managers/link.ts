import type { Plant } from '../../../core/plant.schema.ts';
import type { LinePath } from '../../../core/topics.ts';
import type { DashboardSession } from './session.svelte.ts';

/**
 * Starts the dashboards' broker link for a signed-in session and its plant; resolves with what
 * stops it. main.ts builds it (the wiring lives in the entry point) and hands it down as a context.
 */
export type StartDashboardLink = (session: DashboardSession, plant: Plant, lines: readonly LinePath[]) => Promise<() => void>;

export const DASHBOARD_LINK = Symbol('dashboard-link');
