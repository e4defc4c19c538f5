import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applicationHealthLua, ingressHealthLua } from './index.js';
import { runHealthCheck } from './lua.js';

/** A child Application exactly as Argo CD 3.4 writes it (controller/appcontroller.go, gitops-engine sync_context.go). */
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

const source = {
  repoURL: 'https://github.com/example/homelab.git',
  path: 'charts/ingress',
  targetRevision: 'main',
};
const app = (status?: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'ingress', namespace: 'argocd' },
  spec: { source, destination: { server: 'https://kubernetes.default.svc', namespace: 'ingress' } },
  ...(status === undefined ? {} : { status }),
  ...extra,
});
const synced = { status: 'Synced', revision: 'abc123', comparedTo: { source } };

// Each case: an Application as the parent sees it, and the health the sync waves must wait on.
const cases: [string, unknown, string, RegExp][] = [
  ['just created, no status yet', app(), 'Progressing', /reconciled/],
  [
    'reconciled with nothing applied: stock Lua says Healthy',
    app({ health: { status: 'Healthy' }, sync: { status: 'OutOfSync' } }),
    'Progressing',
    /Not synced yet \(sync status: OutOfSync\)/,
  ],
  [
    'status without sync information',
    app({ health: { status: 'Healthy' } }),
    'Progressing',
    /sync status: none/,
  ],
  [
    'sync failed but what applied is Healthy',
    app({
      health: { status: 'Healthy' },
      sync: synced,
      operationState: { phase: 'Failed', message: 'one or more objects failed to apply' },
    }),
    'Degraded',
    /Last sync failed: one or more objects failed to apply/,
  ],
  [
    'sync errored',
    app({
      health: { status: 'Healthy' },
      sync: synced,
      operationState: { phase: 'Error', message: 'rpc error' },
    }),
    'Degraded',
    /Last sync error/,
  ],
  [
    'a resource failed to apply while the operation succeeded',
    app({
      health: { status: 'Healthy' },
      sync: synced,
      operationState: {
        phase: 'Succeeded',
        syncResult: {
          resources: [
            {
              kind: 'ClusterIssuer',
              name: 'letsencrypt-staging',
              status: 'SyncFailed',
              message: 'webhook not ready',
            },
          ],
        },
      },
    }),
    'Degraded',
    /ClusterIssuer\/letsencrypt-staging failed to sync: webhook not ready/,
  ],
  [
    'sync running',
    app({ health: { status: 'Healthy' }, sync: synced, operationState: { phase: 'Running' } }),
    'Progressing',
    /Sync operation running/,
  ],
  [
    'sync requested, not started',
    app({ health: { status: 'Healthy' }, sync: synced }, { operation: { sync: {} } }),
    'Progressing',
    /requested/,
  ],
  [
    'status describes the previous source (parent just changed targetRevision)',
    app({
      health: { status: 'Healthy' },
      sync: { ...synced, comparedTo: { source: { ...source, targetRevision: 'v1' } } },
    }),
    'Progressing',
    /earlier spec/,
  ],
  ['synced, no health yet', app({ sync: synced }), 'Progressing', /No health/],
  [
    'synced and Healthy',
    app({ health: { status: 'Healthy' }, sync: synced, operationState: { phase: 'Succeeded' } }),
    'Healthy',
    /Synced to abc123, Healthy/,
  ],
  [
    'synced but the child is Degraded',
    app({ health: { status: 'Degraded', message: 'Deployment traefik: 0/1 ready' }, sync: synced }),
    'Degraded',
    /0\/1 ready/,
  ],
  [
    'synced, child still Progressing',
    app({ health: { status: 'Progressing' }, sync: synced }),
    'Progressing',
    /Progressing/,
  ],
  ['synced, child Missing', app({ health: { status: 'Missing' }, sync: synced }), 'Missing', /Missing/],
];

describe('Application health check (Lua 5.1, as Argo CD runs it)', () => {
  it.each(cases)('%s', (_name, obj, status, message) => {
    const hs = runHealthCheck(applicationHealthLua, obj);
    expect(hs.status).toBe(status);
    expect(hs.message).toMatch(message);
  });

  it('covers more than the six cases the foundation requires', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });
});

describe('Application health check during sync retries (real status shapes, Lua 5.1)', () => {
  it('a child whose sync is being retried is Progressing, although the previous attempt left SyncFailed results', () => {
    const retrying = fixture('application-retrying');
    // The shape this guards against: phase Running with the failed attempt's results kept.
    expect(retrying).toMatchObject({
      status: {
        operationState: {
          phase: 'Running',
          retryCount: 2,
          message: expect.stringMatching(/\. Retrying attempt #2 at \d+:\d\d[AP]M\.$/),
          syncResult: {
            resources: expect.arrayContaining([expect.objectContaining({ status: 'SyncFailed' })]),
          },
        },
      },
    });
    const hs = runHealthCheck(applicationHealthLua, retrying);
    expect(hs.status).toBe('Progressing');
    expect(hs.message).toMatch(/^Sync retrying \(attempt #2\): one or more objects failed to apply/);
  });

  it('a child whose retries are exhausted (phase Failed) is Degraded, with the last reason', () => {
    const exhausted = fixture('application-retries-exhausted');
    expect(exhausted).toMatchObject({
      status: {
        operationState: { phase: 'Failed', message: expect.stringMatching(/\(retried 5 times\)\.$/) },
      },
    });
    expect(exhausted.operation).toBeUndefined();
    const hs = runHealthCheck(applicationHealthLua, exhausted);
    expect(hs.status).toBe('Degraded');
    expect(hs.message).toMatch(
      /^Last sync failed: one or more objects failed to apply.*webhook\.cert-manager\.io.*\(retried 5 times\)\.$/,
    );
  });

  it('an operation that errored for good is Degraded too; one being terminated is still Progressing', () => {
    const exhausted = fixture('application-retries-exhausted');
    const op = (exhausted.status as { operationState: Record<string, unknown> }).operationState;
    const errored = {
      ...exhausted,
      status: { ...(exhausted.status as object), operationState: { ...op, phase: 'Error' } },
    };
    expect(runHealthCheck(applicationHealthLua, errored).status).toBe('Degraded');
    const terminating = {
      ...exhausted,
      status: {
        ...(exhausted.status as object),
        operationState: { ...op, phase: 'Terminating' },
      },
    };
    expect(runHealthCheck(applicationHealthLua, terminating)).toEqual({
      status: 'Progressing',
      message: 'Sync operation terminating',
    });
  });
});

describe('Ingress health check', () => {
  it('is Healthy without a load-balancer address (no deadlock before Traefik exists)', () => {
    const hs = runHealthCheck(ingressHealthLua, { kind: 'Ingress', metadata: { name: 'argocd-server' } });
    expect(hs).toEqual({ status: 'Healthy', message: expect.stringMatching(/no load-balancer address yet/) });
  });

  it('reports the published address', () => {
    const hs = runHealthCheck(ingressHealthLua, {
      kind: 'Ingress',
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
    });
    expect(hs.message).toBe('Ingress published at 192.0.2.10');
  });
});
