import {
  adminUsersSchema, currentPlantSchema, plantAppliedSchema, plantPreviewSchema, plantVersionsSchema,
  type PlantApplyRequest, type UserAddRequest, type UserEditRequest,
} from '../../core/contracts/plant-config.ts';
import { adminActionsSchema, recomputeAnswerSchema } from '../../core/contracts/recompute.ts';
import { bearer, call, sendJson } from './api-client.ts';

/** What a change says besides itself: why (kept with the version) and which version it edited. */
export interface ChangeMeta {
  reason: string;
  baseVersion?: number;
}

/**
 * The admin area's calls (issue 13), through the one API client's fetch path and error map, in a
 * module of their own so the tablet's and the boards' chunks do not carry the admin contracts.
 */
export const adminApi = {
  users: (token: string) => call('/api/admin/users', adminUsersSchema, bearer(token)),
  addUser: (token: string, body: UserAddRequest) => sendJson('/api/admin/users', token, 'POST', body, plantAppliedSchema),
  editUser: (token: string, userId: string, body: UserEditRequest) => sendJson(`/api/admin/users/${encodeURIComponent(userId)}`, token, 'POST', body, plantAppliedSchema),
  setSecret: (token: string, userId: string, secret: string, meta: ChangeMeta) =>
    sendJson(`/api/admin/users/${encodeURIComponent(userId)}/secret`, token, 'POST', { secret, ...meta }, plantAppliedSchema),
  setDisabled: (token: string, userId: string, isDisabled: boolean, meta: ChangeMeta) =>
    sendJson(`/api/admin/users/${encodeURIComponent(userId)}/disabled`, token, 'POST', { isDisabled, ...meta }, plantAppliedSchema),
  plant: (token: string) => call('/api/admin/plant', currentPlantSchema, bearer(token)),
  versions: (token: string) => call('/api/admin/plant/versions', plantVersionsSchema, bearer(token)),
  preview: (token: string, plant: unknown, effectiveFrom?: number) => sendJson('/api/admin/plant/preview', token, 'POST', { plant, ...(effectiveFrom === undefined ? {} : { effectiveFrom }) }, plantPreviewSchema),
  applyPlant: (token: string, body: PlantApplyRequest) => sendJson('/api/admin/plant', token, 'PUT', body, plantAppliedSchema),
  /** Stored history of [from, to) under the current plant: previewed (`reason` null) or applied and logged. */
  recompute: (token: string, w: { from: number; to: number }, reason: string | null) =>
    sendJson(reason === null ? '/api/admin/recompute/preview' : '/api/admin/recompute', token, 'POST', { ...w, ...(reason === null ? {} : { reason }) }, recomputeAnswerSchema),
  actions: (token: string) => call('/api/admin/actions', adminActionsSchema, bearer(token)),
};
