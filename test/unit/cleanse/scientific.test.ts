/**
 * A master key Excel rounded ("1.23457E+11") and the full code the other sources carry:
 * once a reviewer confirms the code, it is the item's canonical SKU everywhere cleansing
 * writes, and the rounded key is a spelling mapped to it. Two codes confirmed onto one
 * key rename nothing and go back to review.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanseWorkspace, confirmedFullCodes, type Decision } from '../../../src/core/cleanse/cleanse.js';
import { reviewRows, storeDecisions } from '../../../src/core/cleanse/review.js';
import type { Db } from '../../../src/core/staging/database.js';
import { parseWorkspaceConfig } from '../../../src/core/workspace/config.js';
import { stagedWorkspace } from '../../helpers/staged.js';

const ITEMS = 'sku,description,uom,unit_cost\n1.23457E+11,Seal kit,EA,18.4\nA-1,Widget,EA,2\n';
const ERP = 'sku,warehouse,location,qty,uom\n123457302118,W1,,36,EA\na 1,W1,,5,EA\n';
const map = (sku: string, target: string): Decision => ({ sku, decision: 'map', target });

async function cleansed(texts: Record<string, string>, decisions: readonly Decision[]): Promise<{ db: Db; result: ReturnType<typeof cleanseWorkspace> }> {
  const { db, dir } = await stagedWorkspace(texts, 'invsync-scientific-');
  const config = parseWorkspaceConfig({}, path.join(dir, 'invsync.yaml'));
  // As `cleanse --accept` does: a first pass makes the items the decisions name, then the decisions apply.
  cleanseWorkspace(db, { config });
  storeDecisions(db, 'reviewed.xlsx', decisions);
  return { db, result: cleanseWorkspace(db, { config }) };
}

const xref = (db: Db, spelling: string): unknown =>
  db.prepare('SELECT canonical_sku, rule, status, confirmed_by, json_extract(evidence, ?) AS note FROM sku_xref WHERE spelling = ?').get('$.note', spelling);
const itemSkus = (db: Db): string[] => (db.prepare('SELECT sku FROM items_clean ORDER BY sku').all() as { sku: string }[]).map((r) => r.sku);
const quantities = (db: Db): unknown[] => db.prepare("SELECT spelling, sku, qty_base, status FROM quantities WHERE kind = 'erp' ORDER BY spelling").all();

describe('confirmedFullCodes', () => {
  it.each([
    ['the review workbook’s proposal: target = the rounded key', [map('123457302118', '1.23457E+11')], { '1.23457E+11': '123457302118' }, []],
    ['the reviewer wrote the full code as target', [map('123457302118', '123457302118')], { '1.23457E+11': '123457302118' }, []],
    ['a code that does not round to the key is an ordinary mapping', [map('999', '1.23457E+11')], {}, []],
    ['a code already in the master renames nothing', [map('555', '1.23457E+11')], {}, []],
    ['a reject confirms nothing', [{ sku: '123457302118', decision: 'reject', target: null } as Decision], {}, []],
    ['two codes onto one key: no rename, both held', [map('123457302118', '1.23457E+11'), map('123457111111', '123457111111')], {}, ['123457111111', '123457302118']],
    ['the same code twice is one confirmation', [map('123457302118', '1.23457E+11'), map('123457302118', '123457302118')], { '1.23457E+11': '123457302118' }, []],
  ] as const)('%s', (_, decisions, renames, conflicts) => {
    const found = confirmedFullCodes(['1.23457E+11', 'A-1', '555'], decisions);
    expect(Object.fromEntries(found.renames)).toEqual(renames);
    expect([...found.renamedFrom].map(([full, key]) => [key, full])).toEqual(Object.entries(renames));
    expect([...found.conflicts.keys()].sort()).toEqual(conflicts);
  });

  it('a self-targeted code that rounds to two rounded keys of the master is held, naming both', () => {
    const found = confirmedFullCodes(['1.23457E+11', '1.2346E+11'], [map('123457302118', '123457302118')]);
    expect(found.renames.size).toBe(0);
    expect(found.conflicts.get('123457302118')).toContain('"1.23457E+11", "1.2346E+11"');
  });
});

describe('cleanse with a scientific-notation key confirmed', () => {
  it('before review: the rounded key is the item, the full code is proposed for it', async () => {
    const { db } = await cleansed({ items: ITEMS, erp: ERP }, []);
    expect(itemSkus(db)).toEqual(['1.23457E+11', 'A-1']);
    expect(xref(db, '123457302118')).toMatchObject({ canonical_sku: '1.23457E+11', rule: 'scientific_notation', status: 'review' });
    db.close();
  });

  it.each([
    ['the rounded key', '1.23457E+11'],
    ['the full code', '123457302118'],
  ])('confirmed with target = %s: the full code is the canonical SKU of every table, the rounded key a spelling of it', async (_, target) => {
    const { db, result } = await cleansed({ items: ITEMS, erp: ERP }, [map('123457302118', target)]);
    expect(itemSkus(db)).toEqual(['123457302118', 'A-1']);
    expect(db.prepare("SELECT description, uom, unit_cost, merged_from FROM items_clean WHERE sku = '123457302118'").get()).toEqual({ description: 'Seal kit', uom: 'EA', unit_cost: '18.4', merged_from: '[]' });
    expect(xref(db, '123457302118')).toEqual({
      canonical_sku: '123457302118',
      rule: 'scientific_notation',
      status: 'confirmed',
      confirmed_by: 'review',
      note: 'the full code of the master\'s "1.23457E+11" (Excel\'s rounding of it); the item is keyed by it',
    });
    expect(xref(db, '1.23457E+11')).toEqual({
      canonical_sku: '123457302118',
      rule: 'scientific_notation',
      status: 'confirmed',
      confirmed_by: 'review',
      note: 'the master\'s "1.23457E+11" is Excel\'s rounding of 123457302118',
    });
    // Other spellings keep the master's key as canonical.
    expect(xref(db, 'a 1')).toMatchObject({ canonical_sku: 'A-1', rule: 'match_key', status: 'auto' });
    expect(quantities(db)).toEqual([
      { spelling: '123457302118', sku: '123457302118', qty_base: '36', status: 'same_unit' },
      { spelling: 'a 1', sku: 'A-1', qty_base: '5', status: 'same_unit' },
    ]);
    expect(db.prepare("SELECT count(*) AS n FROM sku_xref WHERE canonical_sku LIKE '%E+%'").get()).toEqual({ n: 0 });
    expect(result.spellings).toMatchObject({ confirmed: 2, review: 0 });
    expect(result.pendingReview).toBe(0);
    // The decision stays as written, and the review workbook shows it with the new proposal.
    expect(reviewRows(db).filter((r) => r.type === 'spelling').map((r) => [r.sku, r.proposed, r.decision, r.target])).toEqual([['123457302118', 'map to 123457302118', 'map', target]]);
    db.close();
  });

  it('decisions accepted again once the rounded key left items_clean still name a valid target', async () => {
    const { db } = await cleansed({ items: ITEMS, erp: ERP }, [map('123457302118', '1.23457E+11')]);
    expect(() => storeDecisions(db, 'reviewed.xlsx', [map('123457302118', '1.23457E+11'), map('a 1', '1.23457E+11')])).not.toThrow();
    expect(() => storeDecisions(db, 'reviewed.xlsx', [map('a 1', '9.9E+11')])).toThrow('target "9.9E+11" is no item of the master');
    cleanseWorkspace(db, { config: parseWorkspaceConfig({}, 'invsync.yaml') });
    // Another spelling mapped onto the rounded key goes to the item under its full code.
    expect(xref(db, 'a 1')).toMatchObject({ canonical_sku: '123457302118', status: 'confirmed' });
    db.close();
  });

  it('two full codes confirmed onto one rounded key: no rename, both back in review with a note, their lines held back', async () => {
    const erp = `${ERP}123457111111,W1,,4,EA\n`;
    const { db, result } = await cleansed({ items: ITEMS, erp }, [map('123457302118', '1.23457E+11'), map('123457111111', '1.23457E+11')]);
    expect(itemSkus(db)).toEqual(['1.23457E+11', 'A-1']);
    const note =
      '123457111111 and 123457302118 were all confirmed onto the master\'s "1.23457E+11", Excel\'s rounding of one code: map one of them and reject or re-map the others (or re-extract the master with the column as text)';
    for (const code of ['123457111111', '123457302118']) {
      expect(xref(db, code)).toEqual({ canonical_sku: null, rule: 'scientific_notation', status: 'review', confirmed_by: 'pending', note });
    }
    expect(xref(db, '1.23457E+11')).toMatchObject({ canonical_sku: '1.23457E+11', rule: 'exact', status: 'auto' });
    expect(quantities(db)).toEqual([
      { spelling: '123457111111', sku: null, qty_base: null, status: 'review_sku' },
      { spelling: '123457302118', sku: null, qty_base: null, status: 'review_sku' },
      { spelling: 'a 1', sku: 'A-1', qty_base: '5', status: 'same_unit' },
    ]);
    expect(result.spellings.review).toBe(2);
    expect(result.pendingReview).toBe(2);
    // The reviewer sees why in the workbook.
    expect(reviewRows(db).find((r) => r.sku === '123457302118')?.evidence).toContain(note);

    // One of them rejected: the other is the code, and the rename happens.
    storeDecisions(db, 'reviewed.xlsx', [{ sku: '123457111111', decision: 'reject', target: null }]);
    cleanseWorkspace(db, { config: parseWorkspaceConfig({}, 'invsync.yaml') });
    expect(itemSkus(db)).toEqual(['123457302118', 'A-1']);
    expect(xref(db, '123457111111')).toMatchObject({ canonical_sku: null, status: 'rejected' });
    expect(xref(db, '123457302118')).toMatchObject({ canonical_sku: '123457302118', status: 'confirmed' });
    db.close();
  });
});
