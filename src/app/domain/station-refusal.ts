import { FloorboardError } from '../../core/errors.ts';

/**
 * Sign-in refused at this tablet's station (`station`: its name, in `data`): online, the service
 * knows the operator may not work here (`forbidden`); offline, the badge is not in this station's
 * roster or the PIN is wrong (`unauthorized`: the tablet cannot tell these apart, since its roster
 * holds only this station's operators).
 */
export function stationRefused(station: string, isOffline: boolean): FloorboardError {
  return isOffline
    ? new FloorboardError('unauthorized', `badge or PIN not recognised for station "${station}"`, { data: { station } })
    : new FloorboardError('forbidden', `may not work at station "${station}"`, { data: { station } });
}
