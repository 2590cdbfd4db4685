/**
 * Text decoding for the encodings legacy files come in. Windows-1252 is decoded
 * here: Node 20's TextDecoder('windows-1252') decodes bytes 0x80-0x9F as Latin-1
 * control characters, losing €, curly quotes and dashes.
 */
import type { TextEncodingName } from './sniff.js';

/** Windows-1252 bytes 0x80-0x9F; undefined bytes map to the same code point, as WHATWG does. */
export const WINDOWS_1252_HIGH_CONTROLS =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  let runStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80 && byte <= 0x9f) {
      text += latin1Slice(bytes, runStart, i) + WINDOWS_1252_HIGH_CONTROLS[byte - 0x80];
      runStart = i + 1;
    }
  }
  return text + latin1Slice(bytes, runStart, bytes.length);
}

function latin1Slice(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** Thrown when bytes are not valid in the encoding being decoded. */
export class InvalidEncoding extends Error {}

export interface ChunkDecoder {
  /** Decodes the next chunk (incomplete sequences are kept for the next call); no chunk = end. */
  decode(chunk?: Uint8Array): string;
}

/** A streaming decoder; UTF-8 is strict so that a Windows-1252 file is noticed. */
export function chunkDecoder(encoding: TextEncodingName): ChunkDecoder {
  if (encoding === 'windows-1252') return { decode: (chunk) => (chunk ? decodeWindows1252(chunk) : '') };
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  return {
    decode(chunk) {
      try {
        return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
      } catch {
        throw new InvalidEncoding(`not valid ${encoding}`);
      }
    },
  };
}

/** A whole buffer as text: strict UTF-8 first, else Windows-1252. */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingName): { text: string; encoding: TextEncodingName } {
  if (encoding === 'utf-8') {
    try {
      return { text: chunkDecoder('utf-8').decode(bytes) + '', encoding };
    } catch {
      return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
    }
  }
  const d = chunkDecoder(encoding);
  return { text: d.decode(bytes) + d.decode(), encoding };
}
