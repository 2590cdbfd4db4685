import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOC_KEY, MAPPED_SQL, USABLE_SQL, lineWarehouse, locationKey } from '../../../src/core/cleanse/sql.js';

describe('cleansing rules in SQL', () => {
  const db = new Database(':memory:');

  it('keys a location in SQL as locationKey does in JavaScript (ASCII, property)', () => {
    const key = db.prepare(`SELECT ${LOC_KEY('?')} AS k`).pluck();
    expect(key.get('wh-n / a-01-03')).toBe('WH-N/A-01-03');
    expect(locationKey(' wh-n\\a 01\t03 ')).toBe('WH-N/A0103');
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'aZ9 \t\\/-_.'.split('')) }), (text) => key.get(text) === locationKey(text)));
    // Any text: letters beyond ASCII, line ends and no-break spaces at the ends are kept as SQLite keeps them.
    expect(locationKey(' Lager-süd / a1 ')).toBe('LAGER-SüD/A1');
    expect(key.get(' Lager-süd / a1 ')).toBe('LAGER-SüD/A1');
    expect(locationKey('\u00a0wh-1/é\n')).toBe(key.get('\u00a0wh-1/é\n'));
    fc.assert(fc.property(fc.string({ unit: fc.oneof(fc.constantFrom(...'aZ9 \t\\/-_.ßüÉ\u00a0\r\n'.split('')), fc.constantFrom('ǆ', 'ﬁ', 'İ', 'ı')) }), (text) => key.get(text) === locationKey(text)));
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => key.get(text) === locationKey(text)));
  });

  it('lists the usable quantity statuses and the mapped cross-reference statuses', () => {
    expect(USABLE_SQL).toBe("('same_unit', 'converted', 'unit_assumed')");
    expect(MAPPED_SQL).toBe("('auto', 'merged', 'confirmed')");
  });

  it("gives a line its own warehouse, else the master's, else the first part of its path when that is a warehouse, else its location", () => {
    db.exec("CREATE TABLE wh (key TEXT, warehouse TEXT); INSERT INTO wh VALUES ('WH-N', 'WH-N');");
    const warehouse = db.prepare(`SELECT ${lineWarehouse('t', 't.master', 'wh')} FROM (SELECT ? AS warehouse, ? AS location, ? AS master) t`).pluck();
    expect(warehouse.get('EAST', 'wh-n/a-01', 'WH-N')).toBe('EAST');
    expect(warehouse.get(' ', 'wh-n/a-01', 'MASTER')).toBe('MASTER');
    expect(warehouse.get(null, 'wh-n / a-01', null)).toBe('WH-N');
    expect(warehouse.get(null, 'B-07', null)).toBe('B-07');
    expect(warehouse.get(null, null, null)).toBe('');
  });
});
