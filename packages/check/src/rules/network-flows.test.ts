import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkWorkload } from '@idstack/core';
import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { throwawayComponent } from '../test-support/fixture.js';
import { checkRendered } from '../testing.js';

/** A Deployment whose pods carry `labels` and listen on `port` (real helm renders it: the simulation's pods). */
const deployment = (name: string, labels: Record<string, string>, port: number) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  selector:',
    `    matchLabels: ${JSON.stringify(labels)}`,
    '  template:',
    '    metadata:',
    `      labels: ${JSON.stringify(labels)}`,
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    '          image: registry.example.org/app:1.0.0',
    '          ports:',
    `            - containerPort: ${port}`,
    '',
  ].join('\n');

/** The policy engine (Cilium's role): its switch is one of its knobs. */
const engine = throwawayComponent(
  'engine',
  {},
  {
    networkPolicyEngine: { switch: 'policies.enabled' },
    knobs: z.object({ policies: z.object({ enabled: z.boolean() }) }),
    values: () => ({ policies: { enabled: true } }),
  },
);
const after = { needs: ['engine'], requires: [engine] };
/** The public web app: reachable from anywhere on 8080, it uses the database. */
const web = throwawayComponent(
  'web',
  { 'web.yaml': deployment('web', { app: 'web' }, 8080) },
  {
    ...after,
    network: (): NetworkWorkload[] => [
      {
        name: 'web',
        description: 'the web app',
        selector: { app: 'web' },
        ingress: [{ from: { entity: 'all' }, ports: [{ port: 8080 }], why: 'the public entry point' }],
      },
    ],
  },
);
/** The database: only the web app gets in; it reaches nothing but DNS. */
const db = throwawayComponent(
  'db',
  { 'db.yaml': deployment('db', { app: 'db' }, 5432) },
  {
    ...after,
    network: (): NetworkWorkload[] => [
      {
        name: 'db',
        description: 'the database',
        selector: { app: 'db' },
        ingress: [{ from: { component: 'web', workload: 'web' }, ports: [{ port: 5432 }], why: 'its data' }],
        egress: [],
      },
    ],
  },
);
/** Another component's workload that must not reach the database. */
const other = throwawayComponent(
  'other',
  { 'other.yaml': deployment('other', { app: 'other' }, 9000) },
  {
    ...after,
    network: (): NetworkWorkload[] => [
      { name: 'other', description: 'unrelated', selector: { app: 'other' } },
    ],
  },
);

const render = (networkPolicy = 'enforce') =>
  renderComponent(engine, { domain: 'lab.example.org', networkPolicy }, { with: [web, db, other] });
const errors = async (rendered: ReturnType<typeof render>) =>
  (await checkRendered(rendered, ['network-flows'])).filter((f) => f.severity === 'error');
const policyFile = (rendered: ReturnType<typeof render>, chart: string) =>
  join(rendered.dir, 'charts', chart, 'templates', 'idstack-network-policies.yaml');

describe('network-flows', () => {
  it('passes on the policies rendered from the declarations: web -> db allowed, other -> db and the world -> db denied', async () => {
    const rendered = render();
    expect(readFileSync(policyFile(rendered, 'db'), 'utf8')).toContain('web/web -> db/db 5432/TCP: its data');
    expect(await errors(rendered)).toEqual([]);
  });

  it('fails naming the flow when a declared flow is blocked', async () => {
    const rendered = render();
    const file = policyFile(rendered, 'db');
    writeFileSync(file, readFileSync(file, 'utf8').replace('port: "5432"', 'port: "5433"'));
    const found = await errors(rendered);
    expect(found.map((f) => f.where)).toEqual(['declared flow web/web -> db/db 5432/TCP']);
    expect(found[0]?.message).toContain(
      'no ingress rule of the policies that select the destination admits it',
    );
  });

  it('fails naming the path when an undeclared path is open', async () => {
    const rendered = render();
    const file = policyFile(rendered, 'db');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('        - host\n', '        - host\n        - cluster\n'),
    );
    const found = await errors(rendered);
    expect(found.map((f) => f.where)).toEqual(['db/db 5432/TCP']);
    expect(found[0]?.message).toContain('other/other -> db/db 5432/TCP');
    expect(found[0]?.message).toContain('a pod of an unrelated namespace -> db/db 5432/TCP');
  });

  it('fails when a pod of the stack is not isolated (its default-deny policy is gone)', async () => {
    const rendered = render();
    const file = policyFile(rendered, 'other');
    writeFileSync(file, '# emptied\n');
    const found = await errors(rendered);
    expect(found.map((f) => f.message)).toContain(
      'pod other/other is not isolated for ingress: every pod of the cluster can connect to it',
    );
  });

  it('fails when the database may connect out (its egress is restricted by declaration)', async () => {
    const rendered = render();
    const file = policyFile(rendered, 'db');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '    egress:\n',
        '    egress:\n      - toEntities:\n          - world\n',
      ),
    );
    const found = await errors(rendered);
    expect(found.map((f) => f.where)).toEqual(['db/db egress']);
    expect(found[0]?.message).toContain('db/db -> world 443/TCP, db/db -> world 80/TCP');
  });

  it('renders nothing and checks nothing with networkPolicy: off', async () => {
    const rendered = render('off');
    expect(rendered.files.has('charts/db/templates/idstack-network-policies.yaml')).toBe(false);
    expect(await checkRendered(rendered, ['network-flows'])).toEqual([]);
  });
});
