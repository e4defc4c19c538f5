import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cachedChunks, readEntry, writeEntry } from './cache.js';

describe('cachedChunks (parsed helm output kept between runs)', () => {
  it('parses only the chunks the previous call of the scope did not have, and keeps every YAML value', () => {
    const scope = `test/${randomUUID()}`;
    const parsed: string[] = [];
    const parse = (chunk: string) => {
      parsed.push(chunk);
      return { chunk, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, nothing: null };
    };
    expect(cachedChunks(scope, ['a', 'b', 'a'], parse).map((v) => v.chunk)).toEqual(['a', 'b', 'a']);
    expect(parsed).toEqual(['a', 'b']);
    parsed.length = 0;
    const again = cachedChunks(scope, ['a', 'c'], parse);
    expect(parsed).toEqual(['c']);
    expect(again[0]).toEqual({ chunk: 'a', nan: Number.NaN, inf: Number.POSITIVE_INFINITY, nothing: null });
    // The same text again (a warm re-check): nothing is parsed.
    parsed.length = 0;
    expect(cachedChunks(scope, ['a', 'c'], parse).map((v) => v.chunk)).toEqual(['a', 'c']);
    expect(parsed).toEqual([]);
    // Only the latest call's chunks are kept: 'b' is parsed again.
    parsed.length = 0;
    cachedChunks(scope, ['b'], parse);
    expect(parsed).toEqual(['b']);
  });
});

describe('readEntry / writeEntry', () => {
  it('keeps a JSON value under a name; an unknown name reads undefined', () => {
    const name = `test/${randomUUID()}`;
    expect(readEntry(name)).toBeUndefined();
    writeEntry(name, ['v1', 'apps/v1']);
    expect(readEntry(name)).toEqual(['v1', 'apps/v1']);
  });
});
