import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { fakeComponent } from '../test-support/fixtures.js';
import { parseStack } from './load.js';

const components = [
  fakeComponent('alpha', 'infra', [], { hosts: { alpha: { prefix: 'alpha', description: 'Alpha UI' } } }),
  fakeComponent('beta', 'security', ['alpha']),
];

/** The problems a config text produces, as "path: message" lines. */
function problems(text: string): string[] {
  try {
    parseStack(text, components);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('stack.yaml validation', () => {
  it('fills every default from an empty file, hosts included', () => {
    const stack = parseStack('', components);
    expect(stack.domain).toBe('example.com');
    expect(stack.spiffe.trustDomain).toBe('homelab.internal');
    expect(stack.acme).toEqual({ email: 'admin@example.com', environment: 'staging' });
    expect(stack.hosts).toEqual({ alpha: 'alpha.example.com' });
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
    ['components:\n  alpha:\n    enabled: "yes"', 'components.alpha.enabled', 'expected boolean'],
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

  it('reports YAML syntax errors with their line', () => {
    expect(problems('domain: [unclosed\n')[0]).toMatch(/^\(root\): YAML syntax error at line \d+/);
  });

  it('refuses a document that is not a mapping, and duplicate keys', () => {
    expect(problems('- a\n- b\n')[0]).toContain('must be a mapping');
    expect(problems('domain: a.example.com\ndomain: b.example.com\n')[0]).toContain('YAML syntax error');
  });

  it('reports every problem at once', () => {
    expect(problems('domain: x.local\nacme:\n  email: nope\n')).toHaveLength(2);
  });
});
