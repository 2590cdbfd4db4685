/**
 * A large item master for the cleansing benchmark, matching the SKUs of
 * fixtures/generator/large.ts (SKU-000001 … SKU-050000 carry stock) with realistic
 * dirt: ~2% duplicate rows spelled differently (case, separators), ~1% the same
 * description under another SKU, valid GTIN-13 barcodes. Deterministic.
 */
import fs from 'node:fs';
import { once } from 'node:events';

const UOMS = ['EA', 'EA', 'EA', 'EA', 'KG', 'M', 'L', 'EA'];
const WORDS = ['bolt', 'nut', 'washer', 'valve', 'elbow', 'tee', 'cable', 'tape', 'socket', 'switch', 'pipe', 'clamp', 'screw', 'anchor', 'seal', 'hose'];
const MATERIALS = ['brass', 'steel', 'copper', 'zinc', 'nylon', 'pvc', 'chrome', 'galvanised'];

function gtin13(n: number): string {
  const data = `40${String(n).padStart(10, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(data[11 - i]) * (i % 2 === 0 ? 3 : 1);
  return data + String((10 - (sum % 10)) % 10);
}

export async function writeLargeItemsCsv(file: string, items: number): Promise<void> {
  const out = fs.createWriteStream(file);
  let buffer = 'sku,description,uom,pack_size,category,unit_cost,barcode\n';
  const flush = async (): Promise<void> => {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  for (let i = 1; i <= items; i++) {
    const sku = `SKU-${String(i).padStart(6, '0')}`;
    const uom = UOMS[i % UOMS.length]!;
    // Descriptions carry the item number as a size, so neighbours are different items.
    const description = `${WORDS[i % WORDS.length]} ${MATERIALS[(i >> 4) % MATERIALS.length]} ${i % 997} mm`;
    const line = (code: string, desc: string): string => `${code},${desc},${uom},${i % 8 === 7 ? 12 : ''},cat-${i % 40},${(i % 5000) / 100 + 1},${gtin13(i)}\n`;
    buffer += line(sku, description);
    if (i % 50 === 0) buffer += line(sku.toLowerCase().replace('-', ' '), description); // same key, consistent: auto merge
    if (i % 100 === 3) buffer += `SKU-X${String(i).padStart(6, '0')},${description},${uom},,cat-${i % 40},${(i % 5000) / 100 + 1},\n`; // same description
    if (buffer.length > 1 << 16) await flush();
  }
  await flush();
  out.end();
  await once(out, 'close');
}
