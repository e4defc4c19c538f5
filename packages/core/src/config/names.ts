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
  if (name.includes('://') || name.includes('/'))
    return 'is a URL or path; write a bare DNS name such as "example.com"';
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

/** An e-mail address Let's Encrypt will accept for its account (expiry notices go there). */
export const email = z
  .string()
  .regex(
    /^[^\s@]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i,
    'is not a valid e-mail address (expected name@domain.tld)',
  );

/** A Kubernetes duration as SPIRE and cert-manager write it: 1h, 30m, 24h, 90s. */
export const duration = z
  .string()
  .regex(/^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/, 'must be a Go duration such as "1h", "30m" or "24h"');
