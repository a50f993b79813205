/** Sync mode as an explicit union: what the indicator shows (the sync engine reports it). */
export type SyncMode = 'offline' | 'connecting' | 'syncing' | 'online' | 'needs-sign-in';
