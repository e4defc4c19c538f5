import { describe, expect, it } from 'vitest';
import { helmOutput, PublishError, ReleaseError } from './errors.js';

describe('helmOutput', () => {
  it.each([
    [
      'only the error lines, stderr before stdout',
      { stderr: 'pulling\nError: no such chart', stdout: 'done' },
      'Error: no such chart',
    ],
    [
      'error lines in any case and anywhere in the line',
      { stderr: 'a\nhelm: ERROR happened\nb\nsome error here\nc' },
      'helm: ERROR happened\nsome error here',
    ],
    [
      'the last three error lines',
      { stderr: 'Error: 1\nError: 2\nError: 3\nError: 4' },
      'Error: 2\nError: 3\nError: 4',
    ],
    [
      'without error lines, the last three lines',
      { stderr: 'one\ntwo', stdout: 'three\nfour' },
      'two\nthree\nfour',
    ],
    ['stdout alone', { stdout: 'a\nb' }, 'a\nb'],
    ['non-string outputs ignored', { stderr: 42, stdout: 'Error: x' }, 'Error: x'],
    ['trimmed around the whole text', { stderr: '  \n  x \n\n', stdout: undefined }, 'x'],
    ['trimmed around the error lines', { stderr: 'a\n  error: padded  \nb' }, 'error: padded'],
    ['nothing at all', {}, ''],
    ['blank lines at the end do not count among the last three', { stderr: 'a\nb\nc\n\n\n' }, 'a\nb\nc'],
    ['non-string outputs never shown', { stderr: 42, stdout: 'a' }, 'a'],
  ])('%s', (_label, result, expected) => {
    expect(helmOutput(result)).toBe(expected);
  });
});

describe('the release errors', () => {
  it('are ReleaseErrors by name, and a PublishError names what did reach the registry', () => {
    const error = new PublishError('push refused', ['a 1.0.0']);
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error.name).toBe('ReleaseError');
    expect(new ReleaseError('x').name).toBe('ReleaseError');
    expect(error.message).toBe('push refused');
    expect(error.published).toEqual(['a 1.0.0']);
  });
});
