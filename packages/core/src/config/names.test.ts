import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  dnsNameProblem,
  duration,
  email,
  emailProblem,
  gitRevision,
  gitRevisionProblem,
  publicDomain,
  publicDomainProblem,
  repositoryPath,
  repositoryPathProblem,
  trustDomain,
} from './names.js';

/** The messages a zod string schema gives `value` (empty when it takes it). */
const issues = (schema: z.ZodType, value: string): string[] =>
  schema.safeParse(value).error?.issues.map((i) => i.message) ?? [];

describe('DNS names', () => {
  it.each([
    ['example.com', undefined],
    ['a', undefined],
    ['a-1.b2.example.org', undefined],
    ['', 'is empty; write a DNS name such as "example.com"'],
    ['   ', 'is empty; write a DNS name such as "example.com"'],
    ['https://example.com', 'is a URL or path; write a bare DNS name such as "example.com"'],
    ['example.com/ui', 'is a URL or path; write a bare DNS name such as "example.com"'],
    ['exa mple.com', '"exa mple.com" contains a space; a DNS name has none'],
    ['example.com\t', '"example.com\t" contains a space; a DNS name has none'],
    [
      'example.com:8443',
      '"example.com:8443" has a port (":8443"); remove the port: a host name never carries one',
    ],
    ['example.com:', '"example.com:" has a port (":"); remove the port: a host name never carries one'],
    ['example.com..', '"example.com.." ends with a dot; write it without the trailing dot: "example.com"'],
    ['example.com.', '"example.com." ends with a dot; write it without the trailing dot: "example.com"'],
    ['.', '"." starts with a dot; remove it'],
    ['.example.com', '".example.com" starts with a dot; remove it'],
    ['a..example.com', '"a..example.com" has two dots in a row (an empty label); remove one'],
    ['*.example.com', '"*.example.com" is a wildcard; write the one host name it stands for'],
    ['Example.com', 'must be lower case'],
    [
      'a:b.com',
      'has an invalid label "a:b" (labels are 1-63 characters of a-z, 0-9 and "-", not starting or ending with "-")',
    ],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, undefined],
    [
      `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`,
      'is longer than 253 characters',
    ],
    [
      `${'a'.repeat(64)}.com`,
      `has an invalid label "${'a'.repeat(64)}" (labels are 1-63 characters of a-z, 0-9 and "-", not starting or ending with "-")`,
    ],
    [
      'a.-b.com',
      'has an invalid label "-b" (labels are 1-63 characters of a-z, 0-9 and "-", not starting or ending with "-")',
    ],
    [
      'a.b_c.com',
      'has an invalid label "b_c" (labels are 1-63 characters of a-z, 0-9 and "-", not starting or ending with "-")',
    ],
  ])('dnsNameProblem(%j) is %j', (name, problem) => {
    expect(dnsNameProblem(name)).toBe(problem);
  });

  it.each([
    ['example.com', undefined],
    ['ui.my-home.net', undefined],
    ['bad..name', '"bad..name" has two dots in a row (an empty label); remove one'],
    [
      'nas',
      '"nas" is a bare host name; ACME HTTP-01 needs a registrable public domain such as "example.com"',
    ],
    [
      'nas.local',
      `"nas.local" ends in ".local", a private name Let's Encrypt cannot issue for (HTTP-01); use a public domain you own`,
    ],
    [
      'home.arpa',
      `"home.arpa" ends in ".home.arpa", a private name Let's Encrypt cannot issue for (HTTP-01); use a public domain you own`,
    ],
    [
      'x.home.arpa',
      `"x.home.arpa" ends in ".home.arpa", a private name Let's Encrypt cannot issue for (HTTP-01); use a public domain you own`,
    ],
    ['mylocal.com', undefined],
    ['10.0.0.1', '"10.0.0.1" looks like an IP address; use a public domain'],
    ['host.123', '"host.123" looks like an IP address; use a public domain'],
    ['host.1a', undefined],
    ['host.a1', undefined],
    ['123.com', undefined],
  ])('publicDomainProblem(%j) is %j', (name, problem) => {
    expect(publicDomainProblem(name)).toBe(problem);
  });

  it('makes publicDomain refuse with the problem, and take a public name', () => {
    expect(issues(publicDomain, 'nas')).toEqual([
      '"nas" is a bare host name; ACME HTTP-01 needs a registrable public domain such as "example.com"',
    ]);
    expect(issues(publicDomain, 'example.com')).toEqual([]);
  });
});

describe('SPIFFE trust domains', () => {
  it.each([
    ['homelab.internal', []],
    ['my_lab-1.local', []],
    ['a'.repeat(255), []],
    [
      'spiffe://homelab.internal',
      [
        '"spiffe://homelab.internal" is a URL; a trust domain is a bare name such as "homelab.internal" (SPIRE builds spiffe://<trust-domain>/... itself)',
      ],
    ],
    [
      'homelab/internal',
      [
        '"homelab/internal" is a URL; a trust domain is a bare name such as "homelab.internal" (SPIRE builds spiffe://<trust-domain>/... itself)',
      ],
    ],
    [
      'HomeLab',
      ['"HomeLab" is not a valid trust domain: use lower-case letters, digits, ".", "-" and "_" only'],
    ],
    ['', ['"" is not a valid trust domain: use lower-case letters, digits, ".", "-" and "_" only']],
    [
      'x homelab',
      ['"x homelab" is not a valid trust domain: use lower-case letters, digits, ".", "-" and "_" only'],
    ],
    [
      'a'.repeat(256),
      [
        `"${'a'.repeat(256)}" is not a valid trust domain: use lower-case letters, digits, ".", "-" and "_" only`,
      ],
    ],
  ])('trustDomain %j gives %j', (value, messages) => {
    expect(issues(trustDomain, value)).toEqual(messages);
  });
});

describe('e-mail addresses', () => {
  it.each([
    ['me@example.org', undefined],
    ['Me.Name+tag@Mail.Example.ORG', undefined],
    ['mailto:me@example.org', 'starts with "mailto:"; write the bare address: "me@example.org"'],
    ['MAILTO:me@example.org', 'starts with "mailto:"; write the bare address: "me@example.org"'],
    ['me@example', 'is not a valid e-mail address (expected name@domain.tld)'],
    ['me example@example.org', 'is not a valid e-mail address (expected name@domain.tld)'],
    [
      'me@nas.LOCAL',
      `is at "nas.local", a private domain (".local"); Let's Encrypt refuses account e-mails that do not end in a public domain: use an address you read at a public one`,
    ],
    [
      'me@x.home.arpa',
      `is at "x.home.arpa", a private domain (".home.arpa"); Let's Encrypt refuses account e-mails that do not end in a public domain: use an address you read at a public one`,
    ],
    ['me@mylocal.org', undefined],
    ['me@10.0.0.1', `is at an IP address; Let's Encrypt takes only e-mail at a public domain`],
    ['me@10.0.0.12', `is at an IP address; Let's Encrypt takes only e-mail at a public domain`],
    [
      'me@home.arpa',
      `is at "home.arpa", a private domain (".home.arpa"); Let's Encrypt refuses account e-mails that do not end in a public domain: use an address you read at a public one`,
    ],
    ['me@host.1a', undefined],
    ['me@host.a1', undefined],
    ['xmailto:me@example.org', undefined],
  ])('emailProblem(%j) is %j', (value, problem) => {
    expect(emailProblem(value)).toBe(problem);
  });

  it('makes the email schema give one message per address', () => {
    expect(issues(email, 'me@example')).toEqual(['is not a valid e-mail address (expected name@domain.tld)']);
    expect(issues(email, 'me@nas.lan')).toEqual([
      `is at "nas.lan", a private domain (".lan"); Let's Encrypt refuses account e-mails that do not end in a public domain: use an address you read at a public one`,
    ]);
    expect(issues(email, 'me@example.org')).toEqual([]);
  });
});

describe('git revisions', () => {
  const invalid = (ref: string) =>
    `"${ref}" is not a valid git branch, tag or commit name (no spaces, "..", "~", "^", ":", "?", "*", "[", "\\" or "@{")`;
  const badPart = (ref: string) =>
    `"${ref}" is not a valid git branch or tag name (no part may start with "." or "-", end with "/", "." or ".lock", or be empty)`;
  it.each([
    ['main', undefined],
    ['release/v1.2', undefined],
    ['a1b2c3d', undefined],
    ['feature/x.y-z', undefined],
    ['user@host', undefined],
    ['locked', undefined],
    ['', 'is blank; give the branch, tag or commit Argo CD follows, e.g. "main"'],
    ['  ', 'is blank; give the branch, tag or commit Argo CD follows, e.g. "main"'],
    [' main', '" main" has spaces around it; remove them'],
    ['main ', '"main " has spaces around it; remove them'],
    ['my branch', invalid('my branch')],
    ['a~1', invalid('a~1')],
    ['a^', invalid('a^')],
    ['a:b', invalid('a:b')],
    ['a?', invalid('a?')],
    ['a*', invalid('a*')],
    ['a[b', invalid('a[b')],
    ['a\\b', invalid('a\\b')],
    ['a\u0001b', invalid('a\u0001b')],
    ['a\u007fb', invalid('a\u007fb')],
    ['a..b', invalid('a..b')],
    ['a@{1}', invalid('a@{1}')],
    ['@', invalid('@')],
    ['.hidden', badPart('.hidden')],
    ['-flag', badPart('-flag')],
    ['a/.b', badPart('a/.b')],
    ['a/-b', badPart('a/-b')],
    ['a//b', badPart('a//b')],
    ['a/', badPart('a/')],
    ['a.', badPart('a.')],
    ['a.lock', badPart('a.lock')],
    ['a.lock/b', badPart('a.lock/b')],
  ])('gitRevisionProblem(%j) is %j', (ref, problem) => {
    expect(gitRevisionProblem(ref)).toBe(problem);
  });

  it('makes gitRevision refuse with the problem', () => {
    expect(issues(gitRevision, 'a..b')).toEqual([invalid('a..b')]);
    expect(issues(gitRevision, 'main')).toEqual([]);
  });
});

describe('repository paths', () => {
  const shape =
    'must be a relative path without leading or trailing "/" (letters, digits, ".", "_" and "-" between single slashes)';
  it.each([
    ['', undefined],
    ['deploy', undefined],
    ['deploy/homelab_1.x-y', undefined],
    [
      '..',
      '".." leaves the repository (".."); Argo CD reads only inside it: give the folder relative to the repository root',
    ],
    [
      'a/../b',
      '"a/../b" leaves the repository (".."); Argo CD reads only inside it: give the folder relative to the repository root',
    ],
    ['a..b', undefined],
    ['.', '"." has a "." part; write the folder without it (the repository root is "")'],
    ['a/./b', '"a/./b" has a "." part; write the folder without it (the repository root is "")'],
    ['.github', undefined],
    ['/abs', shape],
    ['a/', shape],
    ['a//b', shape],
    ['a b', shape],
  ])('repositoryPathProblem(%j) is %j', (path, problem) => {
    expect(repositoryPathProblem(path)).toBe(problem);
  });

  it('makes repositoryPath refuse with the problem', () => {
    expect(issues(repositoryPath, '/abs')).toEqual([shape]);
    expect(issues(repositoryPath, '')).toEqual([]);
  });
});

describe('the refinements', () => {
  it.each([
    ['publicDomain', publicDomain, 'nas'],
    ['trustDomain (a URL)', trustDomain, 'spiffe://x'],
    ['trustDomain (a bad name)', trustDomain, 'X'],
    ['email', email, 'me@nas.lan'],
    ['gitRevision', gitRevision, 'a..b'],
    ['repositoryPath', repositoryPath, '/abs'],
  ])('%s reports a custom issue', (_, schema, value) => {
    expect((schema as z.ZodType).safeParse(value).error?.issues.map((i) => i.code)).toEqual(['custom']);
  });
});

describe('durations', () => {
  it.each([
    ['1h', true],
    ['1h30m', true],
    ['1.5h', true],
    ['90s', true],
    ['10ms', true],
    ['1d', false],
    ['h', false],
    ['1 h', false],
  ])('duration %j is valid: %j', (value, valid) => {
    expect(duration.safeParse(value).success).toBe(valid);
  });
});
