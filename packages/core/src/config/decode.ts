import type { Problem } from '../errors.js';

/**
 * The largest config file idstack reads: the fully commented sample is about 11 KiB, and the limit keeps every check
 * of a file (YAML parsing included) well under a second.
 */
export const MAX_CONFIG_BYTES = 64 * 1024;

const BOMS: readonly (readonly [readonly number[], string])[] = [
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32 (big-endian)'],
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32 (little-endian)'],
  [[0xfe, 0xff], 'UTF-16 (big-endian)'],
  [[0xff, 0xfe], 'UTF-16 (little-endian)'],
];

const saveAsUtf8 = (from: string) =>
  `save it as UTF-8 (\`iconv -f ${from} -t UTF-8\`, or your editor's "save with encoding")`;

/**
 * The text of a config file's bytes, which must be UTF-8 (a UTF-8 byte-order mark is dropped). Anything else is
 * refused, saying which encoding it looks like, rather than turned into U+FFFD replacement characters that would end
 * up in the generated values.
 */
export function decodeConfig(bytes: Uint8Array): { text: string } | { problem: Problem } {
  const refuse = (message: string, offset?: number): { problem: Problem } => ({
    problem: { path: '(root)', message, ...(offset === undefined ? {} : position(bytes, offset)) },
  });
  if (bytes.length > MAX_CONFIG_BYTES) {
    return refuse(
      `is ${bytes.length} bytes, over the ${MAX_CONFIG_BYTES}-byte limit of a config file; is it the right file?`,
    );
  }
  for (const [bom, name] of BOMS) {
    if (bom.every((b, i) => bytes[i] === b)) {
      return refuse(
        `is encoded as ${name} (it starts with that byte-order mark); ${saveAsUtf8(name.slice(0, 6))}`,
      );
    }
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const utf16 = sixteenBitGuess(bytes);
    return refuse(
      utf16
        ? `looks like ${utf16} text without a byte-order mark (every other byte is 0); ${saveAsUtf8('UTF-16')}`
        : 'holds a NUL byte, so it is not a text file; is it the right file?',
      nul,
    );
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== undefined) {
    const byte = bytes[bad] as number;
    const cp1252 = CP1252[byte];
    const guess =
      byte >= 0xa0
        ? `Latin-1 (ISO-8859-1) or Windows-1252, where byte 0x${hex(byte)} is "${String.fromCharCode(byte)}"`
        : `Windows-1252${cp1252 ? `, where byte 0x${hex(byte)} is "${cp1252}"` : ''}`;
    return refuse(
      `is not UTF-8: byte 0x${hex(byte)} cannot start or continue a UTF-8 character; it looks like ${guess}; ${saveAsUtf8(byte >= 0xa0 ? 'LATIN1' : 'CP1252')}`,
      bad,
    );
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { text: new TextDecoder('utf-8').decode(bytes.subarray(start)) };
}

/** Windows-1252's usual characters in 0x80-0x9F (where Latin-1 has control codes). */
const CP1252: Readonly<Record<number, string>> = {
  128: '€',
  133: '…',
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  150: '–',
  151: '—',
  153: '™',
};

const hex = (byte: number) => byte.toString(16).toUpperCase().padStart(2, '0');

/** 1-based line and column (in bytes) of an offset. */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** UTF-16 without a BOM: ASCII text then has a 0 byte beside every character. */
function sixteenBitGuess(bytes: Uint8Array): string | undefined {
  let even = 0;
  let odd = 0;
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) i % 2 === 0 ? even++ : odd++;
  if (odd > n / 4 && even === 0) return 'UTF-16 (little-endian)';
  if (even > n / 4 && odd === 0) return 'UTF-16 (big-endian)';
  return undefined;
}

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and values past U+10FFFF included). */
function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return undefined;
}
