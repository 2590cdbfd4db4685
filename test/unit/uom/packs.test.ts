// Pack spellings from item masters and stock sheets (domain.md §4.2, the demo fixture's
// purchase units): what each one says about the pack.
import { describe, expect, it } from 'vitest';
import { itemConversionsFromMaster, parsePack, parsePackNumber } from '../../../src/core/uom/packs.js';

describe('parsePack', () => {
  const rows: [string, { packUnit: string; quantityPerPack?: number; innerUnit?: string; innerQuantity?: number; sizeFrom: string }][] = [
    ['BX12', { packUnit: 'box', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['bx 12', { packUnit: 'box', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['BX-12', { packUnit: 'box', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['box/12', { packUnit: 'box', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['Box of 12', { packUnit: 'box', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['box of 12 pcs', { packUnit: 'box', quantityPerPack: 12, innerUnit: 'units', sizeFrom: 'spelling' }],
    ['CS/24', { packUnit: 'case', quantityPerPack: 24, sizeFrom: 'spelling' }],
    ['CS(24)', { packUnit: 'case', quantityPerPack: 24, sizeFrom: 'spelling' }],
    ['CS 24', { packUnit: 'case', quantityPerPack: 24, sizeFrom: 'spelling' }],
    ['case of 24', { packUnit: 'case', quantityPerPack: 24, sizeFrom: 'spelling' }],
    ['24/CS', { packUnit: 'case', quantityPerPack: 24, sizeFrom: 'spelling' }],
    ['12/box', { packUnit: 'box', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['12 per box', { packUnit: 'box', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['12 pcs/box', { packUnit: 'box', quantityPerPack: 12, innerUnit: 'units', sizeFrom: 'spelling' }],
    ['1000/rl', { packUnit: 'roll', quantityPerPack: 1000, sizeFrom: 'spelling' }],
    ['12x', { packUnit: 'pack', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['12 x', { packUnit: 'pack', quantityPerPack: 12, sizeFrom: 'spelling' }],
    ['Pack (6)', { packUnit: 'pack', quantityPerPack: 6, sizeFrom: 'spelling' }],
    ['PK6', { packUnit: 'pack', quantityPerPack: 6, sizeFrom: 'spelling' }],
    ['24x500ml', { packUnit: 'pack', quantityPerPack: 24, innerUnit: 'ml', innerQuantity: 500, sizeFrom: 'spelling' }],
    ['6 x 1 L', { packUnit: 'pack', quantityPerPack: 6, innerUnit: 'l', innerQuantity: 1, sizeFrom: 'spelling' }],
    ['6 × 1,5 l', { packUnit: 'pack', quantityPerPack: 6, innerUnit: 'l', innerQuantity: 1.5, sizeFrom: 'spelling' }],
    ['case of 24 x 500 ml', { packUnit: 'case', quantityPerPack: 24, innerUnit: 'ml', innerQuantity: 500, sizeFrom: 'spelling' }],
    ['2x6', { packUnit: 'pack', quantityPerPack: 2, innerQuantity: 6, sizeFrom: 'spelling' }],
    ['ctn/10', { packUnit: 'carton', quantityPerPack: 10, sizeFrom: 'spelling' }],
    ['Pallet of 40', { packUnit: 'pallet', quantityPerPack: 40, sizeFrom: 'spelling' }],
  ];
  it.each(rows)('"%s"', (spelling, expected) => {
    expect(parsePack(spelling)).toEqual({ spelling, ...expected });
  });

  it('takes the size of a bare package word from the master, else leaves it open', () => {
    expect(parsePack('case', { packSize: '24' })).toEqual({ spelling: 'case', packUnit: 'case', quantityPerPack: 24, sizeFrom: 'master' });
    expect(parsePack('box', { packSize: 50 })).toMatchObject({ packUnit: 'box', quantityPerPack: 50, sizeFrom: 'master' });
    expect(parsePack('roll', { packSize: '100.0' })).toMatchObject({ packUnit: 'roll', quantityPerPack: 100 });
    expect(parsePack('case')).toEqual({ spelling: 'case', packUnit: 'case', sizeFrom: 'none' });
    expect(parsePack('CA', { dialect: 'x12', packSize: 24 })).toMatchObject({ packUnit: 'case', quantityPerPack: 24 });
    expect(parsePack('CA', { dialect: 'rec20', packSize: 24 })).toMatchObject({ packUnit: 'can', quantityPerPack: 24 });
  });

  it.each(['kg', 'EA', 'DZ', 'furlong', 'BX0', '0x', 'box of', 'x12', 'M8x20', '12 kg/m', '24x500 furlongs', '', 'case 12 foo'])('"%s" is not a pack', (spelling) => {
    expect(parsePack(spelling)).toBeUndefined();
  });
});

describe('the item master', () => {
  it('reads uom and pack_size as staged', () => {
    expect(itemConversionsFromMaster({ sku: 'A', uom: ' EA ', pack_size: '24' })).toEqual({ sku: 'A', baseUnit: 'EA', packSize: 24 });
    expect(itemConversionsFromMaster({ sku: 'A', uom: null, pack_size: '' })).toEqual({ sku: 'A' });
    expect(itemConversionsFromMaster({ uom: 'kg', pack_size: '12,5' })).toEqual({ baseUnit: 'kg', packSize: 12.5 });
  });

  it.each([['24', 24], ['1,5', 1.5], ['.5', 0.5], [' 12 ', 12], ['0', undefined], ['-3', undefined], ['12 pcs', undefined], ['', undefined]] as const)('pack size "%s" is %s', (text, n) => {
    expect(parsePackNumber(text)).toBe(n);
  });
});
