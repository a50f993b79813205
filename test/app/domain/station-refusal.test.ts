import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../../src/core/errors.ts';
import { stationRefused } from '../../../src/app/domain/station-refusal.ts';

describe('a sign-in refused at a station is a code carrying the station', () => {
  it('online: forbidden; offline: unauthorized (badge and PIN cannot be told apart there)', () => {
    const online = stationRefused('Press 2', false);
    const offline = stationRefused('Press 2', true);
    expect(online).toMatchObject({ code: 'forbidden', data: { station: 'Press 2' } });
    expect(offline).toMatchObject({ code: 'unauthorized', data: { station: 'Press 2' } });
    expect(hasErrorCode(offline, 'unauthorized', 'forbidden') && offline.data?.station).toBe('Press 2');
  });
});
