import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Component } from '../component.js';
import type { Problem } from '../errors.js';
import { configErrorOf, fakeComponent } from '../test-support/fixtures.js';
import { MAX_CONFIG_BYTES } from './decode.js';
import { displayPath, loadStackFile, parseStack, validateStack } from './load.js';

// Each branch of the loader with the smallest input that takes it (load.test.ts has the broad corpus).

const ui = fakeComponent('ui', 'infra', [], {
  hosts: {
    one: { prefix: 'one', description: 'One' },
    two: { prefix: 'two', description: 'Two' },
    three: { prefix: 'three', description: 'Three' },
  },
});
const vpn = fakeComponent('vpn', 'security', ['ui'], {
  hosts: { wg: { prefix: 'wg', description: 'WireGuard', mayShareWith: ['one'] } },
});
const all: readonly Component[] = [ui, vpn];

/** The error a call throws (a ConfigError, with its source and problems). */
function refusal(fn: () => unknown): { source?: string; problems: readonly Problem[] } {
  const { source, problems } = configErrorOf(fn);
  return { source, problems };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'idstack-load-'));

describe('displayPath', () => {
  it.each([
    [join(process.cwd(), 'conf', 'stack.yaml'), join('conf', 'stack.yaml')],
    ['/elsewhere/stack.yaml', '/elsewhere/stack.yaml'],
    [join(process.cwd(), '..', 'stack.yaml'), join(process.cwd(), '..', 'stack.yaml')],
    [process.cwd(), process.cwd()],
  ])('shows %s as %s', (file, shown) => {
    expect(displayPath(file)).toBe(shown);
  });
});

describe('reading the file', () => {
  it('names the file as given when it lies outside the current directory', () => {
    const file = join(tmp(), 'stack.yaml');
    writeFileSync(file, 'domain: nas\n');
    expect(refusal(() => loadStackFile(file, all)).source).toBe(file);
    expect(refusal(() => loadStackFile(file, all, 'mine.yaml')).source).toBe('mine.yaml');
  });

  it('refuses a path it cannot even look at, with the reason', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), '');
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    expect(refusal(() => loadStackFile(join(dir, 'file', 'stack.yaml'), all, 'my.yaml'))).toEqual({
      source: 'my.yaml',
      problems: [{ path: '(root)', message: 'cannot be read (ENOTDIR)' }],
    });
    expect(refusal(() => loadStackFile(join(dir, 'loop-a'), all, 'my.yaml')).problems).toEqual([
      { path: '(root)', message: 'cannot be read (ELOOP)' },
    ]);
  });

  it('refuses a file whose reading fails, with the reason', () => {
    expect(refusal(() => loadStackFile('/proc/self/mem', all, 'my.yaml'))).toEqual({
      source: 'my.yaml',
      problems: [{ path: '(root)', message: 'cannot be read (EIO)' }],
    });
  });

  it('refuses a directory and a pipe with their own messages', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'stack.yaml'));
    expect(refusal(() => loadStackFile(join(dir, 'stack.yaml'), all, 'my.yaml')).problems).toEqual([
      { path: '(root)', message: 'is a directory, not a file; give the path of the YAML file' },
    ]);
    expect(refusal(() => loadStackFile('/dev/null', all, 'my.yaml')).problems).toEqual([
      {
        path: '(root)',
        message: 'is not a regular file (a pipe or a device?); give the path of the YAML file',
      },
    ]);
  });

  it('takes a file of exactly the size limit and refuses one byte more, saying both sizes', () => {
    const file = join(tmp(), 'stack.yaml');
    writeFileSync(file, `#${'x'.repeat(MAX_CONFIG_BYTES - 2)}\n`);
    expect(loadStackFile(file, all).domain).toBe('example.com');
    writeFileSync(file, `#${'x'.repeat(MAX_CONFIG_BYTES - 1)}\n`);
    expect(refusal(() => loadStackFile(file, all, 'my.yaml')).problems).toEqual([
      {
        path: '(root)',
        message: `is ${MAX_CONFIG_BYTES + 1} bytes, over the ${MAX_CONFIG_BYTES}-byte limit of a config file; is it the right file?`,
      },
    ]);
  });

  it('refuses a file that is not text with the decoder problem, naming the file', () => {
    const file = join(tmp(), 'stack.yaml');
    writeFileSync(file, Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80]));
    const { source, problems } = refusal(() => loadStackFile(file, all, 'my.yaml'));
    expect(source).toBe('my.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('(root)');
  });
});

describe('parsing the text', () => {
  it('takes text of exactly the size limit and refuses more, naming stack.yaml by default', () => {
    expect(parseStack(`#${'x'.repeat(MAX_CONFIG_BYTES - 1)}`, all).domain).toBe('example.com');
    expect(refusal(() => parseStack(`#${'x'.repeat(MAX_CONFIG_BYTES)}`, all))).toEqual({
      source: 'stack.yaml',
      problems: [{ path: '(root)', message: `is over the ${MAX_CONFIG_BYTES}-byte limit of a config file` }],
    });
    expect(refusal(() => parseStack(`#${'x'.repeat(MAX_CONFIG_BYTES)}`, all, 'my.yaml')).source).toBe(
      'my.yaml',
    );
  });

  it('names the YAML syntax error with the given source', () => {
    const { source, problems } = refusal(() => parseStack('domain: [unclosed\n', all, 'my.yaml'));
    expect(source).toBe('my.yaml');
    expect(problems[0]?.path).toBe('(root)');
  });

  it.each([
    ['- a\n- b\n', 'a list'],
    ['hello\n', 'a single value'],
    ['42\n', 'a single value'],
  ])('refuses %j: not a mapping but %s, at line 1', (text, what) => {
    expect(refusal(() => parseStack(text, all, 'my.yaml'))).toEqual({
      source: 'my.yaml',
      problems: [
        {
          path: '(root)',
          message: `must be a mapping of settings ("key: value" lines, see the sample stack.yaml), not ${what}`,
          line: 1,
          column: 1,
        },
      ],
    });
  });

  it('names the source of a schema problem', () => {
    expect(refusal(() => parseStack('domain: nas\n', all, 'my.yaml')).source).toBe('my.yaml');
    expect(refusal(() => parseStack('domain: nas\n', all)).source).toBe('stack.yaml');
  });
});

describe('empty blocks', () => {
  it('drops null only where a mapping is expected', () => {
    expect(parseStack('acme:\ncomponents:\n  ui:\nhosts:\n', all).components.ui?.enabled).toBe(true);
    expect(refusal(() => parseStack('domain:\n', all)).problems.map((p) => p.path)).toEqual(['domain']);
    expect(refusal(() => parseStack('hosts:\n  one:\n', all)).problems.map((p) => p.path)).toEqual([
      'hosts.one',
    ]);
  });

  it('refuses a key named like an Object method as unknown, without looking it up on the prototype', () => {
    expect(
      refusal(() => parseStack('toString:\nconstructor:\n  x: 1\n', all)).problems.map((p) => p.path),
    ).toEqual(['toString', 'constructor']);
    expect(refusal(() => validateStack({ hasOwnProperty: null }, all)).problems.map((p) => p.path)).toEqual([
      'hasOwnProperty',
    ]);
  });

  it('passes anything that is no mapping through to the schema', () => {
    expect(refusal(() => validateStack(null, all)).problems.map((p) => p.path)).toEqual(['(root)']);
    expect(refusal(() => validateStack({ acme: ['x'] }, all)).problems.map((p) => p.path)).toEqual(['acme']);
    expect(refusal(() => validateStack({ acme: 'x' }, all)).problems.map((p) => p.path)).toEqual(['acme']);
    expect(refusal(() => validateStack({ domain: { a: null } }, all)).problems.map((p) => p.path)).toEqual([
      'domain',
    ]);
  });
});

describe('credentials', () => {
  it('reports a credential once even where the schema also refuses the value', () => {
    const { problems } = refusal(() => validateStack({ mirror: 'ftp://user:pw@mirror.example.org' }, all));
    expect(problems.filter((p) => p.path === 'mirror')).toHaveLength(1);
    expect(problems[0]?.message).toContain('contains credentials');
  });

  it('reports only the credential where the rest of the config is valid', () => {
    const { problems } = refusal(() =>
      validateStack({ source: { repoURL: 'https://me:token@github.com/me/homelab.git' } }, all),
    );
    expect(problems).toEqual([expect.objectContaining({ path: 'source.repoURL' })]);
  });

  it('names stack.yaml as the source of a config validated without a file name', () => {
    expect(refusal(() => validateStack({ mirror: 'ftp://user:pw@mirror.example.org' }, all)).source).toBe(
      'stack.yaml',
    );
  });

  it('places a credential at its line and column', () => {
    expect(
      refusal(() => parseStack('domain: example.org\nmirror: oci://u:p@r.example.org/c\n', all)).problems,
    ).toEqual([expect.objectContaining({ path: 'mirror', line: 2, column: 9 })]);
  });
});

describe('hosts', () => {
  it('resolves every enabled host, written or by default, and none of a disabled component', () => {
    expect(parseStack('domain: example.org\nhosts:\n  two: ui.example.net\n', all).hosts).toEqual({
      one: 'one.example.org',
      two: 'ui.example.net',
      three: 'three.example.org',
      wg: 'wg.example.org',
    });
    expect(parseStack('components:\n  vpn:\n    enabled: false\n', all).hosts).toEqual({
      one: 'one.example.com',
      two: 'two.example.com',
      three: 'three.example.com',
    });
  });

  it('lets a host share its name with the hosts it declares it may, in either order', () => {
    expect(parseStack('hosts:\n  wg: one.example.com\n', all).hosts.wg).toBe('one.example.com');
    expect(parseStack('hosts:\n  one: wg.example.com\n', all).hosts.one).toBe('wg.example.com');
    expect(parseStack('hosts:\n  one: x.example.com\n  wg: x.example.com\n', all).hosts.wg).toBe(
      'x.example.com',
    );
  });

  it('names the written host that takes a default name, at its line', () => {
    expect(refusal(() => parseStack('hosts:\n  three: one.example.com\n', all))).toEqual({
      source: 'stack.yaml',
      problems: [
        {
          path: 'hosts.three',
          message:
            '"one.example.com" is also the host of hosts.one (its default); each UI needs a host name of its own',
          line: 2,
          column: 10,
        },
      ],
    });
  });

  it('names the second of two written hosts, without "(its default)"', () => {
    expect(
      refusal(() => parseStack('hosts:\n  three: x.example.com\n  one: x.example.com\n', all)).problems,
    ).toEqual([
      {
        path: 'hosts.three',
        message: '"x.example.com" is also the host of hosts.one; each UI needs a host name of its own',
        line: 2,
        column: 10,
      },
    ]);
  });

  it('checks written hosts first, so each clash names a host the user wrote', () => {
    expect(
      refusal(() => parseStack('hosts:\n  two: one.example.com\n  three: one.example.com\n', all)).problems,
    ).toEqual([
      {
        path: 'hosts.three',
        message: '"one.example.com" is also the host of hosts.two; each UI needs a host name of its own',
        line: 3,
        column: 10,
      },
      {
        path: 'hosts.two',
        message:
          '"one.example.com" is also the host of hosts.one (its default); each UI needs a host name of its own',
        line: 2,
        column: 8,
      },
    ]);
  });

  it('names the first of two defaults that clash, where nobody wrote either', () => {
    const twin = fakeComponent('twin', 'security', ['ui'], {
      hosts: { copy: { prefix: 'one', description: 'Copy' } },
    });
    expect(refusal(() => validateStack({}, [ui, twin])).problems).toEqual([
      {
        path: 'hosts.one',
        message:
          '"one.example.com" is also the host of hosts.copy (its default); each UI needs a host name of its own',
      },
    ]);
  });
});
