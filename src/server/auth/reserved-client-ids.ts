/**
 * Client ids of the service's own sessions start with this. Only the service may use them: a plant
 * user connecting as `floorboard-service` would take over the ingest session (Aedes hands the
 * newcomer the session's queued QoS 1 messages, i.e. other stations' events) and knock ingest off.
 */
export const SERVICE_CLIENT_ID_PREFIX = 'floorboard-service';

/** True for a client (device) id reserved for the service. */
export const isReservedClientId = (id: string): boolean => id.startsWith(SERVICE_CLIENT_ID_PREFIX);
