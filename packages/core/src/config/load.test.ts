import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configErrorOf, fakeComponent } from '../test-support/fixtures.js';
import { MAX_CONFIG_BYTES } from './decode.js';
import { loadStackFile, parseStack } from './load.js';

const components = [
  fakeComponent('alpha', 'infra', [], {
    hosts: {
      alpha: { prefix: 'alpha', description: 'Alpha UI' },
      alphaApi: { prefix: 'api', description: 'Alpha API' },
    },
    options: z.object({
      greeting: z.string().default('hello'),
      nested: z
        .object({
          depth: z.number().min(1).default(1),
          items: z.array(z.object({ a: z.string() })).default([]),
        })
        .prefault({}),
    }),
  }),
  fakeComponent('beta', 'security', ['alpha']),
];

/** The problems a config text produces, with their positions. */
function located(text: string) {
  return configErrorOf(() => parseStack(text, components)).problems;
}

/** The problems a config text produces, as "path: message" lines. */
function problems(text: string): string[] {
  return located(text).map((p) => `${p.path}: ${p.message}`);
}

describe('stack.yaml validation', () => {
  it('fills every default from an empty file, hosts included', () => {
    const stack = parseStack('', components);
    expect(stack.domain).toBe('example.com');
    expect(stack.spiffe.trustDomain).toBe('homelab.internal');
    expect(stack.acme).toEqual({ email: 'admin@example.com', environment: 'staging' });
    expect(stack.hosts).toEqual({ alpha: 'alpha.example.com', alphaApi: 'api.example.com' });
    expect(stack.components.alpha).toMatchObject({ enabled: true, needs: [], values: {}, greeting: 'hello' });
  });

  it('resolves hosts under the domain unless overridden', () => {
    const stack = parseStack('domain: home.example.net\nhosts:\n  alpha: ui.example.org\n', components);
    expect(stack.hosts.alpha).toBe('ui.example.org');
    expect(parseStack('domain: home.example.net', components).hosts.alpha).toBe('alpha.home.example.net');
  });

  it('resolves no host for a disabled component', () => {
    expect(parseStack('components:\n  alpha:\n    enabled: false\n', components).hosts).toEqual({});
  });

  it.each([
    ['spiffe:\n  trustDomain: spiffe://homelab.internal', 'spiffe.trustDomain', 'is a URL'],
    ['spiffe:\n  trustDomain: https://homelab.internal/', 'spiffe.trustDomain', 'is a URL'],
    ['domain: homelab.local', 'domain', 'ends in ".local"'],
    ['domain: nas.lan', 'domain', 'ends in ".lan"'],
    ['domain: corp.internal', 'domain', 'ends in ".internal"'],
    ['domain: house.home.arpa', 'domain', 'ends in ".home.arpa"'],
    ['domain: homelab', 'domain', 'bare host name'],
    ['domain: https://example.com', 'domain', 'is a URL'],
    ['domain: Example.com', 'domain', 'lower case'],
    ['hosts:\n  alpha: alpha.lan', 'hosts.alpha', 'ends in ".lan"'],
    ['acme:\n  email: not-an-email', 'acme.email', 'not a valid e-mail'],
    ['acme:\n  environment: prod', 'acme.environment', 'staging'],
    ['domian: example.com', 'domian', 'did you mean "domain"'],
    ['acme:\n  emial: a@example.com', 'acme.emial', 'did you mean "email"'],
    ['components:\n  gamma: {}', 'components.gamma', 'allowed here: alpha, beta'],
    ['components:\n  alpha:\n    colour: red', 'components.alpha.colour', 'unknown key'],
    [
      'components:\n  beta:\n    needs: [gamma]',
      'components.beta.needs[0]',
      '"gamma" is not a component; known components: alpha, beta',
    ],
    [
      'components:\n  alpha:\n    enabled: "yes"',
      'components.alpha.enabled',
      'must be true or false, not the text "yes"; write true or false, without quotes',
    ],
    ['components:\n  alpha:\n    greeting: 0.70', 'components.alpha.greeting', 'quote it: "0.70"'],
    [
      'components:\n  alpha:\n    nested:\n      depht: 2',
      'components.alpha.nested.depht',
      'did you mean "depth"',
    ],
    [
      'components:\n  alpha:\n    nested:\n      items:\n        - a: x\n          b: y',
      'components.alpha.nested.items[0].b',
      'unknown key',
    ],
    [
      'components:\n  alpha:\n    nested:\n      depth: 0',
      'components.alpha.nested.depth',
      'must be at least 1',
    ],
    ['components:\n  alpha:\n    needs: {a: b}', 'components.alpha.needs', 'must be a list, not a mapping'],
    [
      'components:\n  alpha:\n    values: [a]',
      'components.alpha.values',
      'must be a mapping of names to values, not a list',
    ],
    ['domain: example.org.', 'domain', 'without the trailing dot: "example.org"'],
    ['domain: example.org:443', 'domain', 'remove the port'],
    ['domain: a..example.org', 'domain', 'two dots in a row'],
    [
      'hosts:\n  alpha: x.example.com\n  alphaApi: x.example.com',
      'hosts.alphaApi',
      'also the host of hosts.alpha',
    ],
    ['hosts:\n  alphaApi: alpha.example.com', 'hosts.alphaApi', 'also the host of hosts.alpha (its default)'],
    ['acme:\n  email: mailto:me@example.org', 'acme.email', 'write the bare address: "me@example.org"'],
    ['acme:\n  email: admin@homelab.local', 'acme.email', 'private domain'],
    [
      'source:\n  repoURL: https://oauth2:s3cret@github.com/me/homelab.git',
      'source.repoURL',
      'argocd.argoproj.io/secret-type: repository',
    ],
    [
      'source:\n  repoURL: https://ghp_token@github.com/me/homelab.git',
      'source.repoURL',
      'contains credentials',
    ],
    ['mirror: oci://user:pw@registry.example.org/charts', 'mirror', 'contains credentials'],
    [
      'components:\n  alpha:\n    values:\n      upstream:\n        url: https://u:p@example.org/',
      'components.alpha.values.upstream.url',
      'contains credentials',
    ],
    ['source:\n  targetRevision: "  "', 'source.targetRevision', 'is blank'],
    ['source:\n  targetRevision: feature..x', 'source.targetRevision', 'not a valid git'],
    ['source:\n  path: ../other-repo', 'source.path', 'leaves the repository'],
    ['source:\n  path: deploy/../../x', 'source.path', 'leaves the repository'],
    ['cluster:\n  name: Home_Lab', 'cluster.name', 'DNS-1123'],
    ['source:\n  repoURL: github.com/me/homelab', 'source.repoURL', 'git URL'],
    ['source:\n  charts: helm', 'source.charts', 'git'],
    ['mirror: ftp://mirror', 'mirror', 'OCI registry prefix'],
  ])('rejects %j naming %s', (text, path, fragment) => {
    const found = problems(text);
    expect(
      found.some((p) => p.startsWith(`${path}: `) && p.includes(fragment)),
      found.join('\n'),
    ).toBe(true);
  });

  it('never echoes the credentials it refuses', () => {
    const found = problems('source:\n  repoURL: https://oauth2:s3cret@github.com/me/homelab.git').join('\n');
    expect(found).not.toContain('s3cret');
    expect(found).not.toContain('oauth2');
    expect(
      parseStack('source:\n  repoURL: ssh://git@github.com/me/homelab.git', components).source.repoURL,
    ).toBe('ssh://git@github.com/me/homelab.git');
  });

  it('reports YAML syntax errors with their line and column', () => {
    expect(problems('domain: [unclosed\n')[0]).toMatch(/^\(root\): YAML syntax error: /);
    expect(located('domain: [unclosed\n')[0]).toMatchObject({
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it('refuses a document that is not a mapping, and duplicate keys naming both lines', () => {
    expect(problems('- a\n- b\n')[0]).toContain('must be a mapping');
    expect(problems('domain: a.example.com\ndomain: b.example.com\n')[0]).toBe(
      'domain: is written twice, at line 1 and at line 2; YAML keeps only one, so delete the one you do not mean',
    );
    expect(problems('acme:\n  email: a@b.org\n  email: c@d.org\n')[0]).toMatch(
      /^acme\.email: .*line 2 and at line 3/,
    );
  });

  it.each([
    ['', 'an empty file'],
    ['---\n', '"---" alone'],
    ['# nothing\n# at all\n', 'comments only'],
    ['components:\n  alpha:\n    # greeting: hi\n', 'a component block with every option commented out'],
    ['acme:\ncomponents:\n  alpha:\n    nested:\n', 'empty sections'],
  ])('takes %j (%s) as the defaults', (text) => {
    const stack = parseStack(text, components);
    expect(stack.acme.environment).toBe('staging');
    expect(stack.components.alpha).toMatchObject({ enabled: true, greeting: 'hello', nested: { depth: 1 } });
  });

  it.each([
    ['a: *nowhere\n', 'a', 'alias *nowhere'],
    [
      'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      '(root)',
      'alias bomb',
    ],
    [`a: ${'['.repeat(100)}${']'.repeat(100)}\n`, '(root)', 'more than 64 levels'],
    ['a: 1\n---\nb: 2\n', '(root)', 'holds 2 YAML documents'],
    ['domain: !Env DOMAIN\n', '(root)', 'YAML tag (!Env)'],
    ['__proto__:\n  polluted: true\n', '__proto__', 'unknown key'],
  ])('refuses %j at %s', (text, path, fragment) => {
    const found = problems(text);
    expect(
      found.some((p) => p.startsWith(`${path}: `) && p.includes(fragment)),
      found.join('\n'),
    ).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports every problem at once', () => {
    expect(problems('domain: x.local\nacme:\n  email: nope\n')).toHaveLength(2);
  });

  it('locates each problem at its line and column', () => {
    expect(located('acme:\n  email: nope\n  environemnt: staging\n')).toEqual([
      expect.objectContaining({ path: 'acme.email', line: 2, column: 10 }),
      expect.objectContaining({ path: 'acme.environemnt', line: 3, column: 3 }),
    ]);
  });
});

describe('reading the config file', () => {
  const write = (bytes: Uint8Array | string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'idstack-load-')), 'stack.yaml');
    writeFileSync(file, bytes);
    return file;
  };
  const refusal = (file: string) => {
    try {
      loadStackFile(file, components, 'my.yaml');
    } catch (error) {
      if (error instanceof ConfigError) return error.report('unused');
      throw error;
    }
    throw new Error('expected the file to be refused');
  };

  it('takes UTF-8 with or without a byte-order mark, and a missing file as the defaults', () => {
    expect(loadStackFile(write('\ufeffacme:\n  email: andré@example.org\n'), components).acme.email).toBe(
      'andré@example.org',
    );
    expect(loadStackFile(write('acme:\n  email: andré@example.org\n'), components).acme.email).toBe(
      'andré@example.org',
    );
    expect(loadStackFile('/nonexistent/stack.yaml', components).domain).toBe('example.com');
  });

  it.each([
    [Buffer.from('\ufeffdomain: a.example.org\n', 'utf16le'), 'is encoded as UTF-16 (little-endian)'],
    [Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('d\0', 'latin1')]), 'UTF-16 (big-endian)'],
    [
      Buffer.from('domain: a.example.org\n', 'utf16le'),
      'looks like UTF-16 (little-endian) text without a byte-order mark',
    ],
    [
      Buffer.from('acme:\n  email: andré@example.org\n', 'latin1'),
      'looks like Latin-1 (ISO-8859-1) or Windows-1252, where byte 0xE9 is "é"',
    ],
    [Buffer.from([0x61, 0x3a, 0x20, 0x80, 0x0a]), 'Windows-1252, where byte 0x80 is "€"'],
    [Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80]), 'is not UTF-8'],
    [Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x61), `over the ${MAX_CONFIG_BYTES}-byte limit`],
  ])('refuses %#: %s', (bytes, fragment) => {
    const report = refusal(write(bytes));
    expect(report).toMatch(/^my\.yaml is invalid:\n {2}- \(root\): /);
    expect(report).toContain(fragment);
  });

  it('points at the line and column of the first byte that is not UTF-8', () => {
    expect(
      refusal(write(Buffer.from('domain: x.example.org\nacme:\n  email: andré@example.org\n', 'latin1'))),
    ).toContain('(line 3, column 14)');
  });

  it('refuses a directory', () => {
    expect(refusal(mkdtempSync(join(tmpdir(), 'idstack-dir-')))).toContain('is a directory, not a file');
  });

  it('refuses a pipe without waiting for a writer', () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'idstack-fifo-')), 'stack.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(fifo)).toContain('is not a regular file');
  });
});
