/**
 * Built-in header synonyms: the spellings legacy systems and people use for each
 * canonical column, in English plus common German, French, Spanish, Portuguese and
 * Chinese ones. Matching is on a normalised form (see normaliseHeader): case,
 * accents, punctuation and repeated spaces do not matter.
 *
 * Kind-specific lists come first: "Counted" is the quantity of a count sheet, while
 * in a book extract the on-hand column is the quantity.
 */
import type { Kind } from '../model/kinds.js';

type SynonymTable = Record<string, readonly string[]>;

const COMMON: SynonymTable = {
  sku: [
    'sku', 'item code', 'item no', 'item number', 'item id', 'itemcode', 'item #', 'item no.',
    'part no', 'part number', 'part #', 'partno', 'product code', 'product id', 'product no',
    'material number', 'material no', 'article no', 'article number', 'art no',
    'internal reference', 'default code', 'default_code', 'stock code', 'stock no',
    'catalog number', 'catalogue number', 'cat no', 'mfr pn',
    'artikelnummer', 'artikel nr', 'art nr', 'materialnummer', 'sachnummer',
    'reference article', 'ref article', 'code article', 'article code',
    'codigo', 'codigo articulo', 'cod articulo', 'referencia', 'articulo codigo',
    'codigo material', 'cod material',
    '产品', '物料', '物料编码', '产品编码', '货号', '商品编码',
    // Generic words last: when a file has both "Code" and "Item", the code is the SKU.
    'code', 'item', 'product', 'material', 'article', 'part', 'reference', 'ref', 'id',
  ],
  description: [
    'description', 'desc', 'item description', 'product description', 'name', 'item name', 'product name',
    'title', 'material description', 'short text', 'material short text', 'article description',
    'bezeichnung', 'artikelbezeichnung', 'beschreibung', 'materialkurztext', 'kurztext',
    'designation', 'libelle', 'libelle article', 'descripcion', 'articulo', 'nombre', 'producto',
    'texto breve material', 'descricao', 'descricao material',
    '中文描述', '描述', '产品名称', '物料描述', '名称', '英文描述', 'artikel',
    'item', 'product', 'article', 'material',
  ],
  uom: [
    'uom', 'unit', 'units', 'unit of measure', 'unit of measurement', 'um', 'u m', 'measure', 'base uom',
    'base unit', 'base unit of measure', 'stock uom', 'stocking unit', 'unit of measure uom', 'uom id', 'uom_id',
    'einheit', 'mengeneinheit', 'me', 'basismengeneinheit', 'unite', 'unite de mesure', 'unidad', 'unidad de medida',
    'um basica', 'unidade', 'unidade de medida',
    '单位', '计量单位', '基本单位',
  ],
  purchase_uom: ['purchase uom', 'purchase unit', 'order unit', 'purchase unit of measure', 'uom po id', 'uom_po_id', 'bestelleinheit'],
  pack_size: [
    'pack size', 'pack qty', 'pack quantity', 'case qty', 'case quantity', 'units per case', 'qty per pack',
    'qty per case', 'inner pack', 'vpe', 'verpackungseinheit', 'colisage', 'unidades por caja', 'pcb',
  ],
  category: [
    'category', 'product category', 'item category', 'group', 'item group', 'product group', 'class', 'family',
    'categ id', 'categ_id', 'warengruppe', 'produktgruppe', 'kategorie', 'categorie', 'famille', 'categoria',
    'grupo', 'familia', 'grupo de mercadorias', '类别', '分类',
  ],
  unit_cost: [
    'unit cost', 'cost', 'cost price', 'standard cost', 'std cost', 'average cost', 'avg cost', 'unit price',
    'price', 'purchase price', 'standard price', 'standard_price', 'valuation price', 'moving average price',
    'einstandspreis', 'ek preis', 'ek', 'stuckpreis', 'prix unitaire', 'cout unitaire', 'prix de revient', 'pmp',
    'costo', 'costo unitario', 'precio costo', 'custo', 'custo unitario', 'preco unitario', '单价', '成本', '单位成本',
  ],
  value: [
    'value', 'total value', 'stock value', 'inventory value', 'extended cost', 'extended value', 'amount',
    'valuation', 'total cost', 'ext cost', 'book value', 'gl value', 'closing value', 'value in local currency',
    'wert', 'bestandswert', 'betrag', 'valeur', 'valeur stock', 'montant', 'valor', 'valor total', 'importe',
    'val utiliz livre', 'valor utilizacao livre', '价值', '金额', '库存金额',
  ],
  barcode: ['barcode', 'ean', 'ean13', 'gtin', 'upc', 'bar code', 'ean code', 'strichcode', 'code barre', 'code barres', 'codigo de barras', '条码', '条形码'],
  tracking: ['tracking', 'tracked by', 'lot serial', 'serial tracking', 'lot tracking', 'track', 'chargenpflicht'],
  weight: ['weight', 'net weight', 'gross weight', 'weight kg', 'gewicht', 'nettogewicht', 'poids', 'peso', '重量'],
  location: [
    'location', 'bin', 'bin location', 'storage bin', 'storage location', 'loc', 'location code', 'bin code',
    'slot', 'shelf', 'rack', 'position', 'stock location', 'location id', 'location_id', 'sublocation',
    'lagerplatz', 'lagerort', 'platz', 'emplacement', 'ubicacion', 'ubicación', 'deposito', 'posicao',
    '库位', '储位', '货位',
  ],
  parent: ['parent', 'parent location', 'parent bin', 'zone', 'aisle', 'location parent', 'location_id/id'],
  warehouse: [
    'warehouse', 'wh', 'whse', 'warehouse code', 'warehouse id', 'site', 'plant', 'depot', 'store', 'branch',
    'warehouse name', 'lager', 'werk', 'entrepot', 'magasin', 'almacen', 'bodega', 'centro', 'armazem',
    '仓库', '仓库id', '仓库代码',
  ],
  usage: ['usage', 'location type', 'type', 'bin type', 'location usage'],
  lot: [
    'lot', 'lot number', 'lot no', 'batch', 'batch number', 'batch no', 'lot serial number', 'lot/serial number',
    'serial', 'serial number', 'lot id', 'lot_id', 'charge', 'chargennummer', 'charge nr', 'lot numero',
    'numero de lot', 'lote', 'numero de lote', '批次', '批号',
  ],
  qty: [
    'qty', 'quantity', 'qty on hand', 'quantity on hand', 'on hand', 'onhand', 'on hand qty', 'stock',
    'stock qty', 'stock quantity', 'current stock', 'closing stock', 'closing', 'closing qty', 'balance',
    'balance qty', 'available', 'qty available', 'inventory', 'units', 'count',
    'menge', 'bestand', 'lagerbestand', 'quantite', 'qte', 'stock physique', 'cantidad', 'existencia', 'existencias',
    'quantidade', 'utilizacao livre', 'estoque', '库存数量', '数量', '库存',
  ],
  status: ['status', 'stock status', 'stock type', 'state', 'quality status', 'bestandsart', 'statut', 'estado', '质量状态', '状态'],
  expiry: ['expiry', 'expiry date', 'expiration', 'expiration date', 'best before', 'bbd', 'use by', 'sell by', 'mhd', 'verfallsdatum', 'date de peremption', 'caducidad', 'fecha de caducidad', 'validade', '失效日期', '有效期'],
  count_id: ['count id', 'count no', 'count number', 'count sheet', 'sheet', 'sheet no', 'tag', 'tag no', 'tag number', 'count tag', 'zahlliste', 'zahlbeleg', 'inventurbeleg'],
  counter: ['counter', 'counted by', 'counter name', 'user', 'assigned to', 'zahler', 'compteur', 'contador', '盘点人'],
  counted_at: ['counted at', 'count date', 'date counted', 'counted on', 'scheduled date', 'zahldatum', 'date comptage', 'fecha conteo', '盘点日期'],
  account: ['account', 'gl account', 'account code', 'account number', 'account no', 'ledger account', 'konto', 'sachkonto', 'compte', 'cuenta', 'conta', '科目', '科目代码'],
  currency: ['currency', 'ccy', 'curr', 'currency code', 'wahrung', 'devise', 'moneda', 'moeda', '币种'],
  date: ['date', 'move date', 'posting date', 'transaction date', 'doc date', 'document date', 'datum', 'buchungsdatum', 'fecha', 'data', '日期'],
  type: ['type', 'move type', 'movement type', 'transaction type', 'trans type', 'bewegungsart', 'tipo', 'type de mouvement'],
  reference: ['reference', 'document', 'document no', 'doc no', 'order', 'order no', 'beleg', 'belegnummer', 'referencia', 'piece'],
};

/** Per kind, spellings that mean something specific there, checked before COMMON. */
const BY_KIND: Partial<Record<Kind, SynonymTable>> = {
  counts: {
    qty: ['counted', 'counted qty', 'counted quantity', 'count qty', 'count quantity', 'physical qty', 'physical count', 'physical quantity', 'gezahlt', 'zahlmenge', 'quantite comptee', 'cantidad contada', '盘点数量', '实盘数量'],
  },
  gl: {
    value: ['balance', 'closing balance', 'ending balance', 'debit', 'net balance', 'gl balance', 'saldo', 'solde'],
    description: ['account name', 'account description', 'description', 'name'],
  },
  moves: {
    qty: ['qty', 'quantity', 'issued', 'issue qty', 'moved qty', 'move qty', 'menge', 'cantidad'],
    reference: ['reference', 'ref', 'document', 'document no', 'doc no', 'order', 'order no', 'beleg', 'belegnummer'],
  },
  locations: {
    location: ['location', 'bin', 'bin code', 'location code', 'full location', 'location name', 'complete name', 'lagerplatz', 'emplacement', 'ubicacion', '库位'],
  },
};

/**
 * The form headers are compared in: lower case, accents removed, punctuation and
 * currency signs as spaces, spaces collapsed. CJK characters are kept as they are.
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    // "Item #" is "Item No", not "Item"
    .replace(/(?<=\p{L})\s*#(?=\s|$)/gu, ' no ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface SynonymMatch {
  readonly canonical: string;
  /** Lower is more specific: kind-specific spellings first, generic words last. */
  readonly rank: number;
}

export interface SynonymIndex {
  /** Every canonical column a normalised header could mean, most specific first. */
  lookup(normalisedHeader: string): readonly SynonymMatch[];
  /** All spellings (as written above) that would map to a canonical column. */
  spellings(canonical: string): readonly string[];
}

export function synonymIndex(kind: Kind, columns: readonly string[]): SynonymIndex {
  const wanted = new Set(columns);
  const map = new Map<string, SynonymMatch[]>();
  const lists = new Map<string, string[]>();
  let base = 0;
  const put = (header: string, canonical: string, rank: number): void => {
    const key = normaliseHeader(header);
    const matches = map.get(key) ?? [];
    if (!matches.some((m) => m.canonical === canonical)) matches.push({ canonical, rank });
    map.set(key, matches);
  };
  const add = (table: SynonymTable | undefined): void => {
    if (!table) return;
    let longest = 0;
    for (const [canonical, spellings] of Object.entries(table)) {
      if (!wanted.has(canonical)) continue;
      longest = Math.max(longest, spellings.length);
      spellings.forEach((spelling, i) => {
        put(spelling, canonical, base + i);
        const list = lists.get(canonical) ?? [];
        if (!list.includes(spelling)) list.push(spelling);
        lists.set(canonical, list);
      });
    }
    base += longest + 1;
  };
  // The canonical name itself always maps first (files written by invsync load back).
  for (const c of columns) put(c, c, 0);
  base = 1;
  add(BY_KIND[kind]);
  add(COMMON);
  for (const matches of map.values()) matches.sort((a, b) => a.rank - b.rank);
  return {
    lookup: (h) => map.get(h) ?? [],
    spellings: (c) => lists.get(c) ?? [c],
  };
}
