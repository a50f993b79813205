import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plantDiff } from '../../src/core/plant-diff.ts';
import { plantSchema, type Plant } from '../../src/core/index.ts';

const plant = (): Plant => plantSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/test.plant.json', import.meta.url), 'utf8')));

describe('plantDiff: what an admin reads before a new plant version applies', () => {
  it('says nothing for the same plant, however its lists are ordered', () => {
    const a = plant();
    const b = plant();
    b.products.reverse();
    b.users.reverse();
    expect(plantDiff(a, b)).toEqual([]);
  });

  it('names items by id: an ideal cycle time changed on one line, an operator added, one removed', () => {
    const a = plant();
    const b = plant();
    const line = b.areas[0]!.lines[0]!;
    const before = line.products[0]!.idealCycleTimeSec;
    line.products[0]!.idealCycleTimeSec = before + 1;
    const removed = b.users.find((u) => u.role === 'operator')!;
    b.users = b.users.filter((u) => u !== removed);
    b.users.push({ id: 'op-new', name: 'Anna Weber', role: 'operator', badge: '9999', pinHash: removed.role === 'operator' ? removed.pinHash : '', stations: [line.stations[0]!.id] });
    const diff = plantDiff(a, b);
    expect(diff).toContain(`areas[${b.areas[0]!.id}].lines[${line.id}].products[${line.products[0]!.productId}].idealCycleTimeSec: ${before} → ${before + 1}`);
    expect(diff).toContain(`users[${removed.id}]: removed (${removed.name}, operator)`);
    expect(diff).toContain('users[op-new]: added (Anna Weber, operator)');
    expect(diff).toHaveLength(3);
  });

  it('says a PIN changed without showing either hash', () => {
    const a = plant();
    const b = plant();
    const op = b.users.find((u) => u.role === 'operator')!;
    if (op.role !== 'operator') throw new Error('fixture has an operator');
    const old = op.pinHash;
    op.pinHash = old.replace(/.$/, old.endsWith('A') ? 'B' : 'A');
    const diff = plantDiff(a, b);
    expect(diff).toEqual([`users[${op.id}].pinHash: changed`]);
    expect(diff.join('\n')).not.toContain('scrypt');
  });

  it('shows an added optional field and a changed list of plain values', () => {
    const a = plant();
    const b = plant();
    const op = b.users.find((u) => u.role === 'operator')!;
    if (op.role !== 'operator') throw new Error('fixture has an operator');
    const stations = [...op.stations];
    op.stations = [...stations, 'x-station'];
    const diff = plantDiff(a, b);
    expect(diff).toEqual([`users[${op.id}].stations: ${JSON.stringify(stations)} → ${JSON.stringify([...stations, 'x-station'])}`]);
  });
});
