import { z } from 'zod';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Suffixes that Let's Encrypt will never issue for (RFC 6761/6762/8375 special-use and the usual LAN habits).
 * ACME HTTP-01 needs a registrable public domain whose A record reaches this cluster's ingress.
 */
export const PRIVATE_SUFFIXES = [
  'local',
  'lan',
  'internal',
  'intranet',
  'corp',
  'home',
  'home.arpa',
  'localdomain',
  'localhost',
  'test',
  'invalid',
  'example',
] as const;

/** Why `name` is not a valid DNS name, or undefined when it is. */
export function dnsNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'is empty; write a DNS name such as "example.com"';
  if (name.includes('://') || name.includes('/'))
    return 'is a URL or path; write a bare DNS name such as "example.com"';
  if (/\s/.test(name)) return `"${name}" contains a space; a DNS name has none`;
  const port = /:([0-9]*)$/.exec(name);
  if (port) return `"${name}" has a port (":${port[1]}"); remove the port: a host name never carries one`;
  if (name.endsWith('.') && name.length > 1)
    return `"${name}" ends with a dot; write it without the trailing dot: "${name.replace(/\.+$/, '')}"`;
  if (name.startsWith('.')) return `"${name}" starts with a dot; remove it`;
  if (name.includes('..')) return `"${name}" has two dots in a row (an empty label); remove one`;
  if (name.startsWith('*')) return `"${name}" is a wildcard; write the one host name it stands for`;
  if (name !== name.toLowerCase()) return 'must be lower case';
  if (name.length > 253) return 'is longer than 253 characters';
  const labels = name.split('.');
  for (const label of labels) {
    if (!LABEL.test(label)) {
      return `has an invalid label "${label}" (labels are 1-63 characters of a-z, 0-9 and "-", not starting or ending with "-")`;
    }
  }
  return undefined;
}

/** Why `name` cannot carry a Let's Encrypt HTTP-01 certificate, or undefined when it can. */
export function publicDomainProblem(name: string): string | undefined {
  const dns = dnsNameProblem(name);
  if (dns) return dns;
  const labels = name.split('.');
  if (labels.length < 2) {
    return `"${name}" is a bare host name; ACME HTTP-01 needs a registrable public domain such as "example.com"`;
  }
  const suffix = PRIVATE_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix) {
    return `"${name}" ends in ".${suffix}", a private name Let's Encrypt cannot issue for (HTTP-01); use a public domain you own`;
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? ''))
    return `"${name}" looks like an IP address; use a public domain`;
  return undefined;
}

/** A public, registrable DNS name (the stack's domain, or a host under it). */
export const publicDomain = z.string().superRefine((value, ctx) => {
  const problem = publicDomainProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A SPIFFE trust domain: any DNS-like name (private names are fine), never a URL or a `spiffe://` ID
 * (SPIFFE ID spec: lowercase letters, digits, ".", "-", "_").
 */
export const trustDomain = z.string().superRefine((value, ctx) => {
  if (value.includes('://') || value.includes('/')) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is a URL; a trust domain is a bare name such as "homelab.internal" (SPIRE builds spiffe://<trust-domain>/... itself)`,
    });
  } else if (!/^[a-z0-9._-]+$/.test(value) || value.length > 255) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a valid trust domain: use lower-case letters, digits, ".", "-" and "_" only`,
    });
  }
});

/** A Kubernetes DNS-1123 label (namespaces, cluster names, release names). */
export const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be a DNS-1123 label: 1-63 characters of a-z, 0-9 and "-"',
  );

const EMAIL = /^[^\s@]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** Why Let's Encrypt would refuse `value` as its account e-mail, or undefined when it takes it. */
export function emailProblem(value: string): string | undefined {
  if (/^mailto:/i.test(value))
    return `starts with "mailto:"; write the bare address: "${value.replace(/^mailto:/i, '')}"`;
  if (!EMAIL.test(value)) return 'is not a valid e-mail address (expected name@domain.tld)';
  const domain = value.slice(value.lastIndexOf('@') + 1).toLowerCase();
  const suffix = PRIVATE_SUFFIXES.find((s) => domain === s || domain.endsWith(`.${s}`));
  if (suffix) {
    return `is at "${domain}", a private domain (".${suffix}"); Let's Encrypt refuses account e-mails that do not end in a public domain: use an address you read at a public one`;
  }
  if (/^[0-9]+$/.test(domain.slice(domain.lastIndexOf('.') + 1)))
    return `is at an IP address; Let's Encrypt takes only e-mail at a public domain`;
  return undefined;
}

/** An e-mail address Let's Encrypt will accept for its account (expiry notices go there). */
export const email = z
  .string()
  .regex(EMAIL, 'is not a valid e-mail address (expected name@domain.tld)')
  .superRefine((value, ctx) => {
    const problem = EMAIL.test(value) ? emailProblem(value) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A Kubernetes duration as SPIRE and cert-manager write it: 1h, 30m, 24h, 90s. */
export const duration = z
  .string()
  .regex(/^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/, 'must be a Go duration such as "1h", "30m" or "24h"');

/** Why `ref` is no branch, tag or commit git (and so Argo CD) can check out, or undefined when it is one. */
export function gitRevisionProblem(ref: string): string | undefined {
  if (ref.trim() === '') return 'is blank; give the branch, tag or commit Argo CD follows, e.g. "main"';
  if (ref !== ref.trim()) return `"${ref}" has spaces around it; remove them`;
  // git check-ref-format's rules, as far as a branch, tag or commit name goes
  if (
    /[\s~^:?*[\\]/.test(ref) ||
    [...ref].some((c) => c < ' ' || c === '\x7f') ||
    ref.includes('..') ||
    ref.includes('@{') ||
    ref === '@'
  )
    return `"${ref}" is not a valid git branch, tag or commit name (no spaces, "..", "~", "^", ":", "?", "*", "[", "\\" or "@{")`;
  if (/(^|\/)[.-]|\/\/|\/$|\.$|\.lock($|\/)/.test(ref))
    return `"${ref}" is not a valid git branch or tag name (no part may start with "." or "-", end with "/", "." or ".lock", or be empty)`;
  return undefined;
}

/** A git branch, tag or commit (what `git checkout` takes). */
export const gitRevision = z.string().superRefine((value, ctx) => {
  const problem = gitRevisionProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Why `path` is not a folder inside the repository, or undefined when it is. */
export function repositoryPathProblem(path: string): string | undefined {
  if (path === '') return undefined;
  if (path.split('/').some((part) => part === '..'))
    return `"${path}" leaves the repository (".."); Argo CD reads only inside it: give the folder relative to the repository root`;
  if (path.split('/').some((part) => part === '.'))
    return `"${path}" has a "." part; write the folder without it (the repository root is "")`;
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(path))
    return 'must be a relative path without leading or trailing "/" (letters, digits, ".", "_" and "-" between single slashes)';
  return undefined;
}

/** A folder inside the repository, relative to its root ("" is the root). */
export const repositoryPath = z.string().superRefine((value, ctx) => {
  const problem = repositoryPathProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
