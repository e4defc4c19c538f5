import { describe, expect, it } from 'vitest';
import { diffValues, formatPath } from './fields.js';
import { fieldLines } from './format/lines.js';
import { normalize, parseJqPath } from './normalize.js';

const paths = (a: unknown, b: unknown) =>
  diffValues(a, b).map(
    (c) => `${c.op} ${formatPath(c.path)}${'new' in c ? ` ${JSON.stringify(c.new)}` : ''}`,
  );

describe('field-level comparison', () => {
  it('matches list items by name, reports added/removed items and a new order', () => {
    const a = {
      ports: [
        { name: 'http', port: 80 },
        { name: 'https', port: 443 },
      ],
    };
    const b = {
      ports: [
        { name: 'https', port: 8443 },
        { name: 'http', port: 80 },
        { name: 'dns', port: 53 },
      ],
    };
    expect(paths(a, b)).toEqual([
      'added ports[name=dns] {"name":"dns","port":53}',
      'changed ports[name=https].port 8443',
      'changed ports.(order) ["https","http"]',
    ]);
  });

  it('aligns lists without names by their common items', () => {
    expect(paths({ repos: ['a', 'b', 'c'] }, { repos: ['a', 'c', 'd'] })).toEqual([
      'removed repos[1]',
      'added repos[2] "d"',
    ]);
  });

  it('quotes keys that are not plain words (annotations, dotted keys)', () => {
    expect(
      paths(
        { metadata: { annotations: { 'a.io/x': '1' } } },
        { metadata: { annotations: { 'a.io/x': '2' } } },
      ),
    ).toEqual(['changed metadata.annotations["a.io/x"] "2"']);
  });
});

describe('how a field change prints', () => {
  it('shows a multi-line text as a line diff with the lines around the change', () => {
    const lines = fieldLines({
      path: 'data["config.yaml"]',
      op: 'changed',
      old: 'a: 1\nb: 2\nc: 3\nd: 4\n',
      new: 'a: 1\nb: 20\nc: 3\nd: 4\ne: 5\n',
    });
    expect(lines.map((l) => `${l.tone} ${l.text}`)).toEqual([
      'change data["config.yaml"]: (text)',
      'context     a: 1',
      'remove     b: 2',
      'add     b: 20',
      'context     c: 3',
      'context     d: 4',
      'add     e: 5',
    ]);
  });

  it('prints a small structure on one line and a large one as a YAML block', () => {
    expect(fieldLines({ path: 'spec.ports[0]', op: 'added', new: { port: 80 } })).toEqual([
      { tone: 'add', text: 'spec.ports[0]: {"port":80}' },
    ]);
    const big = { labels: Object.fromEntries([...'abcdefgh'].map((k) => [`app.kubernetes.io/${k}`, k])) };
    const lines = fieldLines({ path: 'metadata', op: 'removed', old: big });
    expect(lines[0]).toEqual({ tone: 'remove', text: 'metadata:' });
    expect(lines[2]).toEqual({ tone: 'remove', text: '    app.kubernetes.io/a: a' });
  });
});

describe('ignoreDifferences paths', () => {
  it('parses the plain jq paths Argo CD users write, and nothing more', () => {
    expect(parseJqPath('.webhooks[]?.clientConfig.caBundle')).toEqual([
      { key: 'webhooks' },
      { each: true },
      { key: 'clientConfig' },
      { key: 'caBundle' },
    ]);
    expect(parseJqPath('.metadata.annotations["a.io/x"]')).toEqual([
      { key: 'metadata' },
      { key: 'annotations' },
      { key: 'a.io/x' },
    ]);
    expect(parseJqPath('.spec.containers[0]."image"')).toEqual([
      { key: 'spec' },
      { key: 'containers' },
      { index: 0 },
      { key: 'image' },
    ]);
    expect(parseJqPath('.spec | .x')).toBeUndefined();
    expect(parseJqPath('.')).toBeUndefined();
  });

  it('applies a rule only to the group, kind, name and namespace it names (globs in group and kind)', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 3 },
    };
    const without = (rules: object[]) => normalize(deployment, rules as never, 'web', () => {}).spec;
    expect(without([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }])).toEqual({});
    expect(without([{ group: '*', kind: 'Deploy*', jsonPointers: ['/spec/replicas'] }])).toEqual({});
    expect(without([{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }])).toEqual({ replicas: 3 });
    expect(
      without([{ group: 'apps', kind: 'Deployment', name: 'other', jsonPointers: ['/spec/replicas'] }]),
    ).toEqual({
      replicas: 3,
    });
    expect(
      without([
        { group: 'apps', kind: 'Deployment', namespace: 'web', jqPathExpressions: ['.spec.replicas'] },
      ]),
    ).toEqual({});
    expect(deployment.spec).toEqual({ replicas: 3 });
  });
});
