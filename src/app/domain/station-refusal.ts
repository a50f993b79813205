import { FloorboardError } from '../../core/errors.ts';

/**
 * Sign-in refused at this tablet's station: online, the service knows the operator may not work
 * here; offline, the badge is not in this station's roster (or the PIN is wrong: the tablet cannot
 * tell these apart, since its roster holds only this station's operators).
 */
export class StationRefusedError extends FloorboardError {
  constructor(
    /** The station's name, for the message the operator reads. */
    readonly station: string,
    readonly isOffline: boolean,
  ) {
    super(isOffline ? 'unauthorized' : 'forbidden', isOffline ? `badge or PIN not recognised for station "${station}"` : `may not work at station "${station}"`);
  }
}
