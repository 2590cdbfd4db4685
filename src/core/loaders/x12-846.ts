/**
 * Reader for ANSI ASC X12 846 Inventory Inquiry/Advice: the stock snapshot a 3PL sends
 * (source kind `wms`). The reader turns the stock quantities into one sheet with
 * canonical column names. It does no cleansing: every value stays the text the file
 * holds, and quantities are never converted to floats.
 *
 * Envelope. The ISA segment sets the delimiters:
 * - element separator: the character at index 3;
 * - component separator: ISA16;
 * - segment terminator: the character after ISA16. CR/LF after a terminator are line
 *   breaks and are ignored;
 * - repetition separator: ISA11, only in version 00402 and later and only when it is
 *   not `U`.
 * The standard fixes the ISA length at 106 characters. We find ISA16 by counting 16
 * element separators, so an ISA whose padding a sender trimmed still parses.
 *
 * A file may hold several ISA/GS/ST envelopes. Each ISA brings its own delimiters.
 * Only ST*846 gives rows, and any other transaction set is an error.
 *
 * We check these counts and control numbers:
 * - SE01 (segments from ST to SE) and SE02 = ST02;
 * - GE01 (transaction sets) and GE02 = GS06;
 * - IEA01 (groups) and IEA02 = ISA13;
 * - CTT01 = the number of LIN segments;
 * - CTT02 = the hash total of all QTY02 values in the set.
 *
 * On CTT02, partner guides write "the sum of QTY02" (e.g. Interstate Steel's 846 guide).
 * Data element 347 defines the hash total as the sum without regard to decimal points
 * or signs, cut to the element's 10 digits. X12J affirmed that definition (RFI 14).
 * Both agree for non-negative whole quantities. For other quantities we accept either
 * form, and both are computed exactly with BigInt.
 *
 * Mapping. We emit one row per stock QTY segment in a LIN loop. rowNumber is the QTY
 * segment's number in the file, counted from 1 at the first ISA. Row 1 is the header.
 *
 * | column        | source                                                                 |
 * |---------------|------------------------------------------------------------------------|
 * | sku           | the first LIN qualifier/ID pair in the order SK, VN, VP, BP, IN, MG;   |
 * |               | else the first pair that is not a barcode, lot or serial qualifier     |
 * | description   | PID05 of PID*F (free-form) segments. Partners split long text over     |
 * |               | several PIDs, so we join them with a space                             |
 * | barcode       | the first LIN pair in the order UP, EN, UK, UA, UI, kept exactly as    |
 * |               | sent. UI (U.P.C. consumer package code, 11 digits) has no check digit; |
 * |               | GTIN checks and padding happen in cleansing, not here                  |
 * | warehouse     | the heading N1 loop: N101 WH, else SF, else ST; N104 code, else N102   |
 * | location      | REF*WS (warehouse storage location) or REF*LU (location number) in the |
 * |               | LIN loop or in the detail N1 loop that holds the QTY; else the detail  |
 * |               | N1 (WH/SF/ST) code or name; else the warehouse                         |
 * | lot           | the LIN pair LT or REF*LT, else REF*BT (batch). Only one lot per LIN   |
 * |               | loop: senders put REF before or after the QTYs, so a second different  |
 * |               | lot cannot be matched to its QTY and is an error                       |
 * | qty           | QTY02, exactly as sent ("12.50", "-3")                                 |
 * | uom           | the first component of QTY03, else the first component of UIT01        |
 * | qty_qualifier | QTY01                                                                  |
 * | status        | 17 on hand → available; 20 unusable, 74 damaged → damaged; 33          |
 * |               | available for sale → available, but only when the LIN loop has no 17  |
 * | snapshot_date | BIA04 (CCYYMMDD → YYYY-MM-DD), else DTM02 of the first heading DTM     |
 * | unit_price    | UIT02, else CTP03, as sent                                             |
 * | lin_line      | LIN01                                                                  |
 *
 * Other QTY qualifiers give no row: 63 on order, BQ backorder, 61 remaining
 * authorized, 26 total, 27 committed, 33 next to a 17, ZZ and so on. They are counted
 * per qualifier in `x12.skippedQuantities` so that the caller can report them.
 *
 * Partner guides differ on whether 17 includes the 20/74 quantity. The damaged rows
 * carry their own status, so reconciliation can decide whether to add them.
 */
import { InputError, type InputLocation } from '../errors.js';
import type { Cell, RawRow, RawSheet, ReadOptions, WorkbookSource } from './types.js';

export const X12_846_SHEET_NAME = 'X12 846';

export const X12_846_COLUMNS = [
  'sku',
  'description',
  'barcode',
  'warehouse',
  'location',
  'lot',
  'qty',
  'uom',
  'qty_qualifier',
  'status',
  'snapshot_date',
  'unit_price',
  'lin_line',
] as const;

export interface X12Summary {
  /** ST*846 transaction sets read. */
  transactionSets: number;
  /** LIN segments in those sets. */
  linCount: number;
  /** QTY segments in those sets, whatever their qualifier. */
  qtySegments: number;
  /** QTY segments that gave no row, by QTY01 qualifier (e.g. { "63": 4, "BQ": 1 }). */
  skippedQuantities: Record<string, number>;
}

export type StockStatus = 'available' | 'damaged';

const SKU_QUALIFIERS = ['SK', 'VN', 'VP', 'BP', 'IN', 'MG'];
const BARCODE_QUALIFIERS = ['UP', 'EN', 'UK', 'UA', 'UI'];
const NOT_AN_ITEM_NUMBER = new Set([...BARCODE_QUALIFIERS, 'LT', 'SN']);
const LOCATION_ENTITIES = ['WH', 'SF', 'ST'];
const LOCATION_REFERENCES = new Set(['WS', 'LU']);
const ON_HAND = '17';
const AVAILABLE_FOR_SALE = '33';
const DAMAGED_QUALIFIERS = new Set(['20', '74']);
/** CTT02 is R 1/10 in the 846 (4010 to 5010): a DE 347 hash keeps its last 10 digits. */
const HASH_TOTAL_MODULUS = 10n ** 10n;
const X12_DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;
const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;
/** A standard ISA is 106 characters; the slack allows for over-padded fields. */
const ISA_SNIFF_WINDOW = 200;
const NOT_A_DELIMITER = /[A-Za-z0-9\s]/;

export function looksLikeX12(text: string): boolean {
  const start = skipBomAndWhitespace(text, 0);
  return startsWithIsa(text, start);
}

export function readX12_846(text: string, opts: ReadOptions): WorkbookSource & { x12: X12Summary } {
  const file = opts.displayName;
  if (opts.sheet !== undefined && opts.sheet.toLowerCase() !== X12_846_SHEET_NAME.toLowerCase()) {
    throw new InputError(
      { file, sheet: opts.sheet },
      `no sheet "${opts.sheet}": an X12 846 file gives one sheet, "${X12_846_SHEET_NAME}"`,
    );
  }
  const segments = splitSegments(text, file);
  const summary: X12Summary = { transactionSets: 0, linCount: 0, qtySegments: 0, skippedQuantities: {} };
  const rows: RawRow[] = [{ rowNumber: 1, cells: [...X12_846_COLUMNS] }];
  walkEnvelopes(segments, file, (transactionSet) => {
    rows.push(...readInventoryAdvice(transactionSet, file, summary));
  });
  const sheet: RawSheet = { name: X12_846_SHEET_NAME, rows };
  return {
    info: { format: 'x12', delimiter: segments[0].separators.element },
    x12: summary,
    async *sheets() {
      yield sheet;
    },
  };
}

// ---------------------------------------------------------------------------
// Segments and delimiters

interface Separators {
  readonly element: string;
  readonly component: string;
  readonly segment: string;
  readonly repetition?: string;
}

interface Segment {
  /** Position in the file, counted from 1 at the first ISA. */
  readonly number: number;
  readonly tag: string;
  /** elements[0] is the tag, elements[1] the first data element. */
  readonly elements: readonly string[];
  readonly separators: Separators;
}

function skipBomAndWhitespace(text: string, offset: number): number {
  let position = offset;
  while (position < text.length && (text[position] === '\uFEFF' || /\s/.test(text[position]))) position++;
  return position;
}

function startsWithIsa(text: string, offset: number): boolean {
  if (!text.startsWith('ISA', offset)) return false;
  const separator = text[offset + 3];
  if (separator === undefined || NOT_A_DELIMITER.test(separator) || text[offset + 6] !== separator) return false;
  // A CSV whose first cell is "ISA" is told apart by the 16 ISA elements on one line.
  const isaWindow = text.slice(offset, offset + ISA_SNIFF_WINDOW).split(/[\r\n]/)[0];
  return isaWindow.split(separator).length > 16;
}

function splitSegments(text: string, file: string): Segment[] {
  const segments: Segment[] = [];
  let offset = skipBomAndWhitespace(text, 0);
  if (!startsWithIsa(text, offset)) {
    throw new InputError(
      { file, row: 1 },
      'not an X12 interchange: the file does not start with an ISA segment',
      'An X12 846 file starts with "ISA" followed by its element separator, e.g. "ISA*00*".',
    );
  }
  while (offset < text.length) {
    if (!text.startsWith('ISA', offset)) {
      throw new InputError(
        { file, row: segments.length + 1 },
        `unexpected text after IEA: "${preview(text.slice(offset))}"`,
        'Only whitespace or another ISA interchange may follow an IEA segment.',
      );
    }
    const separators = readIsaSeparators(text, offset, file, segments.length + 1);
    offset = readInterchangeSegments(text, offset, separators, segments, file);
    offset = skipBomAndWhitespace(text, offset);
  }
  return segments;
}

function readIsaSeparators(text: string, start: number, file: string, segmentNumber: number): Separators {
  const where = { file, row: segmentNumber, column: 'ISA16' };
  const element = text[start + 3];
  let position = start;
  for (let count = 0; count < 16; count++) {
    position = text.indexOf(element, position + 1);
    if (position === -1) {
      throw new InputError(where, 'the ISA segment is cut short: it has fewer than 16 elements');
    }
  }
  const component = text[position + 1];
  const segment = text[position + 2];
  if (component === undefined || segment === undefined) {
    throw new InputError(where, 'the ISA segment is cut short: ISA16 or the segment terminator is missing');
  }
  const isaElements = text.slice(start, position + 1).split(element);
  const repetitionCandidate = isaElements[11];
  const version = isaElements[12].trim();
  const repetition =
    version >= '00402' && repetitionCandidate.length === 1 && repetitionCandidate !== 'U' ? repetitionCandidate : undefined;
  const delimiters = [element, component, segment, ...(repetition === undefined ? [] : [repetition])];
  // A line break may end segments; it may not separate elements inside them.
  const segmentTerminatorIsLineBreak = segment === '\n' || segment === '\r';
  const unusable = delimiters.some(
    (delimiter) => NOT_A_DELIMITER.test(delimiter) && !(delimiter === segment && segmentTerminatorIsLineBreak),
  );
  if (unusable || new Set(delimiters).size !== delimiters.length) {
    throw new InputError(
      where,
      `the ISA segment does not define usable delimiters (element ${show(element)}, component ${show(component)}, ` +
        `segment terminator ${show(segment)}${repetition === undefined ? '' : `, repetition ${show(repetition)}`})`,
      'ISA is a fixed-length segment of 106 characters: ISA16 is the component separator and the next character ' +
        'ends the segment. Delimiters must differ from each other and from letters, digits and spaces.',
    );
  }
  return { element, component, segment, repetition };
}

/** Reads segments up to and including the IEA (or the end of the text); returns the offset after it. */
function readInterchangeSegments(
  text: string,
  start: number,
  separators: Separators,
  segments: Segment[],
  file: string,
): number {
  let offset = start;
  while (offset < text.length) {
    const terminatorAt = text.indexOf(separators.segment, offset);
    const end = terminatorAt === -1 ? text.length : terminatorAt;
    const raw = text.slice(offset, end).replace(/^[\r\n]+|[\r\n]+$/g, '');
    offset = terminatorAt === -1 ? text.length : terminatorAt + 1;
    if (raw === '') continue;
    const elements = raw.split(separators.element);
    const tag = elements[0];
    const number = segments.length + 1;
    if (!SEGMENT_ID.test(tag)) {
      throw new InputError(
        { file, row: number },
        `segment ${number} does not start with a segment ID: "${preview(raw)}"`,
        `The ISA defines ${show(separators.segment)} as the segment terminator and ${show(separators.element)} as ` +
          'the element separator; a file cut short or edited by hand breaks that structure.',
      );
    }
    segments.push({ number, tag, elements, separators });
    if (tag === 'IEA') return offset;
  }
  return offset;
}

function element(segment: Segment, index: number): string {
  const value = segment.elements[index] ?? '';
  const repetition = segment.separators.repetition;
  return repetition === undefined ? value : value.split(repetition)[0];
}

function code(segment: Segment, index: number): string {
  return element(segment, index).trim();
}

function firstComponent(segment: Segment, index: number): string {
  return element(segment, index).split(segment.separators.component)[0].trim();
}

function elementName(segment: Segment, index: number): string {
  return `${segment.tag}${String(index).padStart(2, '0')}`;
}

function preview(text: string): string {
  const firstLine = text.split(/[\r\n]/)[0];
  return firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine;
}

function show(delimiter: string): string {
  return JSON.stringify(delimiter);
}

// ---------------------------------------------------------------------------
// Envelopes: ISA/IEA, GS/GE, ST/SE

function walkEnvelopes(segments: readonly Segment[], file: string, onTransactionSet: (set: Segment[]) => void): void {
  const at = (segment: Segment, column?: string): InputLocation => ({ file, row: segment.number, column });
  let interchange: { isa: Segment; groups: number } | undefined;
  let group: { gs: Segment; sets: number } | undefined;
  let transactionSet: Segment[] | undefined;

  for (const segment of segments) {
    switch (segment.tag) {
      case 'ISA':
        if (interchange !== undefined) {
          throw new InputError(
            at(segment),
            `a new ISA starts while the interchange from segment ${interchange.isa.number} has no IEA`,
            truncationHint,
          );
        }
        interchange = { isa: segment, groups: 0 };
        break;
      case 'IEA': {
        if (interchange === undefined) throw new InputError(at(segment), 'IEA without an ISA');
        if (transactionSet !== undefined || group !== undefined) {
          throw new InputError(at(segment), `IEA while ${openEnvelope(transactionSet, group)} is still open`, truncationHint);
        }
        expectCount(segment, 1, interchange.groups, 'functional groups (GS)', file);
        expectControlNumber(segment, 2, interchange.isa, 13, file);
        interchange = undefined;
        break;
      }
      case 'GS':
        if (interchange === undefined) throw new InputError(at(segment), 'GS outside an ISA interchange');
        if (group !== undefined) {
          throw new InputError(at(segment), `a new GS starts while the group from segment ${group.gs.number} has no GE`, truncationHint);
        }
        group = { gs: segment, sets: 0 };
        interchange.groups++;
        break;
      case 'GE':
        if (group === undefined) throw new InputError(at(segment), 'GE without a GS');
        if (transactionSet !== undefined) {
          throw new InputError(at(segment), `GE while ${openEnvelope(transactionSet, undefined)} is still open`, truncationHint);
        }
        expectCount(segment, 1, group.sets, 'transaction sets (ST)', file);
        expectControlNumber(segment, 2, group.gs, 6, file);
        group = undefined;
        break;
      case 'ST': {
        if (group === undefined) throw new InputError(at(segment), 'ST outside a GS functional group');
        if (transactionSet !== undefined) {
          throw new InputError(
            at(segment),
            `a new ST starts while the transaction set from segment ${transactionSet[0].number} has no SE`,
            truncationHint,
          );
        }
        const setId = code(segment, 1);
        if (setId !== '846') {
          throw new InputError(
            at(segment, 'ST01'),
            `transaction set ${setId || '(empty)'} is not supported for wms: only 846 (Inventory Inquiry/Advice) is`,
            'Send the 3PL stock snapshot as an 846; order, shipping or adjustment documents (850, 856, 947) do not ' +
              'carry a stock snapshot.',
          );
        }
        transactionSet = [segment];
        group.sets++;
        break;
      }
      case 'SE': {
        if (transactionSet === undefined) throw new InputError(at(segment), 'SE without an ST');
        transactionSet.push(segment);
        expectCount(segment, 1, transactionSet.length, 'segments from ST to SE', file);
        expectControlNumber(segment, 2, transactionSet[0], 2, file);
        onTransactionSet(transactionSet);
        transactionSet = undefined;
        break;
      }
      default:
        if (transactionSet !== undefined) transactionSet.push(segment);
        else if (segment.tag !== 'TA1' || group !== undefined) {
          throw new InputError(at(segment), `segment ${segment.tag} outside a transaction set (ST … SE)`);
        }
    }
  }

  const last = segments[segments.length - 1];
  if (transactionSet !== undefined || group !== undefined || interchange !== undefined) {
    throw new InputError(
      at(last),
      `the file ends inside ${openEnvelope(transactionSet, group) || `the interchange from segment ${interchange?.isa.number}`}: ` +
        `no ${transactionSet !== undefined ? 'SE' : group !== undefined ? 'GE' : 'IEA'} follows; the file looks truncated`,
      truncationHint,
    );
  }
}

const truncationHint = 'Every ST needs its SE, every GS its GE and every ISA its IEA; ask the sender for the complete file.';

function openEnvelope(transactionSet: Segment[] | undefined, group: { gs: Segment } | undefined): string {
  if (transactionSet !== undefined) {
    const st = transactionSet[0];
    return `transaction set ${code(st, 1)} ${code(st, 2)} from segment ${st.number}`;
  }
  if (group !== undefined) return `the functional group from segment ${group.gs.number}`;
  return '';
}

function expectCount(segment: Segment, index: number, actual: number, what: string, file: string): void {
  const declared = code(segment, index);
  if (!/^\d+$/.test(declared) || Number(declared) !== actual) {
    const column = elementName(segment, index);
    throw new InputError(
      { file, row: segment.number, column },
      `${column} says ${declared || '(empty)'} ${what}, but there are ${actual}`,
      'The control count does not match the content: segments were lost, added or cut off in transmission.',
    );
  }
}

function expectControlNumber(trailer: Segment, index: number, header: Segment, headerIndex: number, file: string): void {
  const trailerValue = code(trailer, index);
  const headerValue = code(header, headerIndex);
  if (trailerValue !== headerValue) {
    const column = elementName(trailer, index);
    throw new InputError(
      { file, row: trailer.number, column },
      `${column} control number ${trailerValue || '(empty)'} does not match ${elementName(header, headerIndex)} ` +
        `${headerValue || '(empty)'} at segment ${header.number}`,
      'Header and trailer belong to different envelopes: the file was probably spliced or cut.',
    );
  }
}

// ---------------------------------------------------------------------------
// The 846 transaction set

/** A detail-level N1 loop inside a LIN loop: the QTY segments after it are stock at that place. */
interface DetailLocationScope {
  readonly location?: string;
  locationReference?: SourcedValue;
}

interface QuantityEntry {
  readonly segment: Segment;
  readonly qualifier: string;
  readonly quantity: string;
  readonly uom: string;
  readonly scope?: DetailLocationScope;
}

interface SourcedValue {
  readonly value: string;
  readonly segment: Segment;
}

interface LinLoop {
  readonly lin: Segment;
  readonly descriptions: string[];
  readonly lots: Map<'LT' | 'BT', SourcedValue>;
  locationReference?: SourcedValue;
  unitOfMeasure?: string;
  unitPrice?: string;
  contractPrice?: string;
  detailScope?: DetailLocationScope;
  readonly quantities: QuantityEntry[];
}

interface ScaledDecimal {
  readonly units: bigint;
  readonly scale: number;
}

function readInventoryAdvice(transactionSet: readonly Segment[], file: string, summary: X12Summary): RawRow[] {
  const at = (segment: Segment, column?: string): InputLocation => ({ file, row: segment.number, column });
  const parties: Segment[] = [];
  const loops: LinLoop[] = [];
  let beginning: Segment | undefined;
  let headingDate: Segment | undefined;
  let totals: Segment | undefined;
  let loop: LinLoop | undefined;
  let linCount = 0;
  let quantitySum: ScaledDecimal = { units: 0n, scale: 0 };
  let quantityHash = 0n;

  for (const segment of transactionSet.slice(1, -1)) {
    switch (segment.tag) {
      case 'BIA':
        beginning ??= segment;
        break;
      case 'DTM':
        if (loop === undefined) headingDate ??= segment;
        break;
      case 'N1':
        if (loop === undefined) parties.push(segment);
        else loop.detailScope = { location: LOCATION_ENTITIES.includes(code(segment, 1)) ? partyKey(segment) : undefined };
        break;
      case 'LIN':
        linCount++;
        loop = startLinLoop(segment, file);
        loops.push(loop);
        break;
      case 'PID':
        if (loop !== undefined && code(segment, 1) === 'F' && element(segment, 5) !== '') {
          loop.descriptions.push(element(segment, 5));
        }
        break;
      case 'REF':
        if (loop !== undefined) noteReference(loop, segment, file);
        break;
      case 'UIT':
        if (loop !== undefined) {
          loop.unitOfMeasure ??= firstComponent(segment, 1) || undefined;
          loop.unitPrice ??= element(segment, 2) || undefined;
        }
        break;
      case 'CTP':
        if (loop !== undefined) loop.contractPrice ??= element(segment, 3) || undefined;
        break;
      case 'QTY': {
        if (loop === undefined) throw new InputError(at(segment), 'QTY before the first LIN: the quantity belongs to no item');
        const qualifier = code(segment, 1);
        const quantity = element(segment, 2);
        if (qualifier === '') throw new InputError(at(segment, 'QTY01'), 'QTY01 (quantity qualifier) is empty');
        if (quantity !== '') {
          const parsed = parseDecimal(quantity);
          if (parsed === undefined) {
            throw new InputError(
              at(segment, 'QTY02'),
              `QTY02 "${quantity}" is not an X12 decimal number`,
              'X12 R values use digits, an optional leading minus and an optional "." (e.g. 12, 12.5, -3).',
            );
          }
          quantitySum = addDecimals(quantitySum, parsed);
          quantityHash += BigInt(quantity.replace(/[-.]/g, '') || '0');
        }
        summary.qtySegments++;
        loop.quantities.push({
          segment,
          qualifier,
          quantity,
          uom: firstComponent(segment, 3),
          scope: loop.detailScope,
        });
        break;
      }
      case 'CTT':
        totals ??= segment;
        break;
      default:
        break;
    }
  }

  if (totals !== undefined) checkTotals(totals, linCount, quantitySum, quantityHash, file);
  summary.transactionSets++;
  summary.linCount += linCount;

  const snapshotDate = readSnapshotDate(beginning, headingDate, file);
  const warehouse = pickWarehouse(parties);
  const rows: RawRow[] = [];
  for (const linLoop of loops) rows.push(...stockRows(linLoop, warehouse, snapshotDate, file, summary));
  return rows;
}

function startLinLoop(lin: Segment, file: string): LinLoop {
  const loop: LinLoop = { lin, descriptions: [], lots: new Map(), quantities: [] };
  for (const [qualifier, , index] of linPairs(lin)) {
    if (qualifier === 'LT') noteLot(loop, 'LT', lin, index, file);
  }
  return loop;
}

/** LIN02/03 … LIN30/31: [qualifier, id, index of the id element]. */
function linPairs(lin: Segment): Array<[string, string, number]> {
  const pairs: Array<[string, string, number]> = [];
  for (let index = 2; index < lin.elements.length; index += 2) {
    const qualifier = code(lin, index);
    const id = element(lin, index + 1);
    if (qualifier !== '' && id !== '') pairs.push([qualifier, id, index + 1]);
  }
  return pairs;
}

function noteReference(loop: LinLoop, ref: Segment, file: string): void {
  const qualifier = code(ref, 1);
  if (element(ref, 2) === '') return;
  if (qualifier === 'LT' || qualifier === 'BT') {
    noteLot(loop, qualifier, ref, 2, file);
  } else if (LOCATION_REFERENCES.has(qualifier)) {
    const holder = loop.detailScope ?? loop;
    const value = element(ref, 2);
    const known = holder.locationReference;
    if (known !== undefined && known.value !== value) {
      throw ambiguity(loop, 'storage locations', known, { value, segment: ref }, 'REF02', file);
    }
    holder.locationReference ??= { value, segment: ref };
  }
}

function noteLot(loop: LinLoop, kind: 'LT' | 'BT', segment: Segment, index: number, file: string): void {
  const value = element(segment, index);
  const known = loop.lots.get(kind);
  if (known !== undefined && known.value !== value) {
    throw ambiguity(loop, kind === 'LT' ? 'lot numbers' : 'batch numbers', known, { value, segment }, elementName(segment, index), file);
  }
  if (known === undefined) loop.lots.set(kind, { value, segment });
}

function ambiguity(
  loop: LinLoop,
  what: string,
  first: SourcedValue,
  second: SourcedValue,
  column: string,
  file: string,
): InputError {
  return new InputError(
    { file, row: second.segment.number, column },
    `the LIN loop at segment ${loop.lin.number} has two ${what}: "${first.value}" (segment ${first.segment.number}) ` +
      `and "${second.value}" (segment ${second.segment.number}); the reader cannot tell which QTY belongs to which`,
    'Ask the sender for one LIN loop per lot or location, each with its own QTY segments.',
  );
}

function checkTotals(ctt: Segment, linCount: number, quantitySum: ScaledDecimal, quantityHash: bigint, file: string): void {
  const lineItems = code(ctt, 1);
  if (!/^\d+$/.test(lineItems) || Number(lineItems) !== linCount) {
    throw new InputError(
      { file, row: ctt.number, column: 'CTT01' },
      `CTT01 says ${lineItems || '(empty)'} line items, but the transaction set has ${linCount} LIN segments`,
      'LIN loops were lost or added after the sender computed the totals; ask for the file again.',
    );
  }
  const hashTotal = code(ctt, 2);
  if (hashTotal === '') return;
  const declared = parseDecimal(hashTotal);
  if (declared === undefined) {
    throw new InputError({ file, row: ctt.number, column: 'CTT02' }, `CTT02 "${hashTotal}" is not an X12 decimal number`);
  }
  const matchesSum = compareDecimals(declared, quantitySum) === 0;
  const matchesElement347Hash = /^\d+$/.test(hashTotal) && BigInt(hashTotal) === quantityHash % HASH_TOTAL_MODULUS;
  if (!matchesSum && !matchesElement347Hash) {
    throw new InputError(
      { file, row: ctt.number, column: 'CTT02' },
      `CTT02 hash total ${hashTotal} does not match the QTY02 values: their sum is ${formatDecimal(quantitySum)} ` +
        `(as an X12 hash without signs and decimal points: ${quantityHash % HASH_TOTAL_MODULUS})`,
      'A quantity was changed, lost or added after the sender computed the totals; ask for the file again.',
    );
  }
}

function readSnapshotDate(beginning: Segment | undefined, headingDate: Segment | undefined, file: string): string | null {
  const source = beginning !== undefined && element(beginning, 4) !== '' ? { segment: beginning, index: 4 } : undefined;
  const fallback = headingDate !== undefined && element(headingDate, 2) !== '' ? { segment: headingDate, index: 2 } : undefined;
  const chosen = source ?? fallback;
  if (chosen === undefined) return null;
  const text = code(chosen.segment, chosen.index);
  const iso = isoDate(text);
  if (iso === undefined) {
    throw new InputError(
      { file, row: chosen.segment.number, column: elementName(chosen.segment, chosen.index) },
      `${elementName(chosen.segment, chosen.index)} "${text}" is not a CCYYMMDD date`,
      'X12 4010 and later send dates as CCYYMMDD, e.g. 20250314.',
    );
  }
  return iso;
}

function isoDate(ccyymmdd: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(ccyymmdd);
  if (match === null) return undefined;
  const [, year, month, day] = match;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth) return undefined;
  return `${year}-${month}-${day}`;
}

function pickWarehouse(parties: readonly Segment[]): string | null {
  for (const entity of LOCATION_ENTITIES) {
    const party = parties.find((segment) => code(segment, 1) === entity);
    const key = party === undefined ? undefined : partyKey(party);
    if (key !== undefined) return key;
  }
  return null;
}

function partyKey(n1: Segment): string | undefined {
  return element(n1, 4) || element(n1, 2) || undefined;
}

function stockStatus(qualifier: string, loopHasOnHand: boolean): StockStatus | undefined {
  if (qualifier === ON_HAND) return 'available';
  if (DAMAGED_QUALIFIERS.has(qualifier)) return 'damaged';
  if (qualifier === AVAILABLE_FOR_SALE && !loopHasOnHand) return 'available';
  return undefined;
}

function stockRows(
  loop: LinLoop,
  warehouse: string | null,
  snapshotDate: string | null,
  file: string,
  summary: X12Summary,
): RawRow[] {
  const pairs = linPairs(loop.lin);
  const idFor = (qualifier: string) => pairs.find(([candidate]) => candidate === qualifier)?.[1];
  const sku =
    firstDefined(SKU_QUALIFIERS.map(idFor)) ?? pairs.find(([qualifier]) => !NOT_AN_ITEM_NUMBER.has(qualifier))?.[1] ?? null;
  const barcode = firstDefined(BARCODE_QUALIFIERS.map(idFor)) ?? null;
  const description = loop.descriptions.length > 0 ? loop.descriptions.join(' ') : null;
  const lot = (loop.lots.get('LT') ?? loop.lots.get('BT'))?.value ?? null;
  const unitPrice = loop.unitPrice ?? loop.contractPrice ?? null;
  const linLine = element(loop.lin, 1) || null;
  const loopHasOnHand = loop.quantities.some((entry) => entry.qualifier === ON_HAND);

  const rows: RawRow[] = [];
  for (const entry of loop.quantities) {
    const status = stockStatus(entry.qualifier, loopHasOnHand);
    if (status === undefined) {
      summary.skippedQuantities[entry.qualifier] = (summary.skippedQuantities[entry.qualifier] ?? 0) + 1;
      continue;
    }
    if (entry.quantity === '') {
      const freeForm = element(entry.segment, 4);
      throw new InputError(
        { file, row: entry.segment.number, column: 'QTY02' },
        `QTY02 is empty on a stock quantity (QTY01 ${entry.qualifier})${freeForm === '' ? '' : `; QTY04 says "${freeForm}"`}`,
        'A stock snapshot needs a numeric quantity for on-hand and damaged stock.',
      );
    }
    const location =
      entry.scope?.locationReference?.value ?? loop.locationReference?.value ?? entry.scope?.location ?? warehouse;
    const cells: Cell[] = [
      sku,
      description,
      barcode,
      warehouse,
      location,
      lot,
      entry.quantity,
      entry.uom || loop.unitOfMeasure || null,
      entry.qualifier,
      status,
      snapshotDate,
      unitPrice,
      linLine,
    ];
    rows.push({ rowNumber: entry.segment.number, cells });
  }
  return rows;
}

function firstDefined(values: ReadonlyArray<string | undefined>): string | undefined {
  return values.find((value) => value !== undefined);
}

// ---------------------------------------------------------------------------
// Exact decimals: X12 R values as scaled BigInts, so that sums never round.

function parseDecimal(text: string): ScaledDecimal | undefined {
  if (!X12_DECIMAL.test(text)) return undefined;
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const units = BigInt(`${whole}${fraction}` || '0');
  return { units: negative ? -units : units, scale: fraction.length };
}

function rescale(value: ScaledDecimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function addDecimals(left: ScaledDecimal, right: ScaledDecimal): ScaledDecimal {
  const scale = Math.max(left.scale, right.scale);
  return { units: rescale(left, scale) + rescale(right, scale), scale };
}

function compareDecimals(left: ScaledDecimal, right: ScaledDecimal): number {
  const scale = Math.max(left.scale, right.scale);
  const difference = rescale(left, scale) - rescale(right, scale);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

function formatDecimal(value: ScaledDecimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale);
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}
