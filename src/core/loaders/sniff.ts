/**
 * What a file really is, told by its bytes rather than its name: an ".xls" may be
 * xlsx, HTML or tab-separated text; a ".csv" may be binary junk.
 */
import fs from 'node:fs';
import type { FileFormat } from './types.js';
import { decodeText } from './encoding.js';
import { sniffXlsKind } from './xls/index.js';

export interface Sniffed {
  readonly format: FileFormat;
  /** Text encoding when the format is text (csv, html, x12). */
  readonly encoding?: TextEncodingName;
  readonly bomLength?: number;
}

export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

const HEAD_BYTES = 64 * 1024;

export function readHead(file: string, bytes = HEAD_BYTES): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export function sniffBytes(head: Buffer): Sniffed {
  if (head.length === 0) return { format: 'empty' };
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05) ) return { format: 'xlsx' };
  const xls = sniffXlsKind(head);
  if (xls) return { format: xls };
  const bom = detectBom(head);
  if (bom) return textFormat(head, bom.encoding, bom.length);
  if (looksLikeUtf16WithoutBom(head)) return { format: 'binary', encoding: 'utf-16le' };
  if (isBinary(head)) return { format: 'binary' };
  return textFormat(head, isUtf8Prefix(head) ? 'utf-8' : 'windows-1252', 0);
}

function textFormat(head: Buffer, encoding: TextEncodingName, bomLength: number): Sniffed {
  const text = decodeText(head.subarray(bomLength, Math.min(head.length, 4096)), encoding === 'utf-8' ? 'windows-1252' : encoding).text;
  const start = text.trimStart();
  if (/^ISA./.test(start)) return { format: 'x12', encoding, bomLength };
  if (/^(?:<!doctype html|<html|<table|<\?xml[^>]*>\s*<html|<meta|<head)/i.test(start)) return { format: 'html', encoding, bomLength };
  return { format: 'csv', encoding, bomLength };
}

function detectBom(head: Buffer): { encoding: TextEncodingName; length: number } | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

function looksLikeUtf16WithoutBom(head: Buffer): boolean {
  const n = Math.min(head.length, 1024) & ~1;
  if (n < 16) return false;
  const printable = (b: number): boolean => (b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13;
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i + 1] === 0 && printable(head[i]!)) le++;
    if (head[i] === 0 && printable(head[i + 1]!)) be++;
  }
  return Math.max(le, be) > (n / 2) * 0.7;
}

/** NUL bytes or many control characters: not a text file. */
function isBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32 && b !== 26 && b !== 27)) control++;
  }
  return control > n * 0.05;
}

/** Valid UTF-8, allowing a multi-byte sequence cut off at the end of the sample. */
function isUtf8Prefix(head: Buffer): boolean {
  let end = head.length;
  // Back off an incomplete trailing sequence.
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = head[end - back]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (need > back) end -= back;
    }
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}
