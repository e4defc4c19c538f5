import type { Component, Values } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import { type PinnedChart, pinnedUpstream } from '../test-support/upstream.js';
import type { Finding } from '../types.js';

const DEMO = { name: 'demo', repository: 'https://charts.example.org', version: '1.0.0' };
const OTHER = { name: 'other', repository: 'https://charts.example.org', version: '2.0.0' };
/** Pinned nowhere: its values cannot be verified. */
const GHOST = { name: 'ghost', repository: 'https://charts.example.org', version: '3.0.0' };

/** Upstream demo 1.0.0's values.yaml. */
const DEMO_VALUES: Values = {
  replicas: 1,
  image: { repository: 'demo', tag: 'v1', pullPolicy: 'IfNotPresent' },
  resources: {},
  tolerations: [],
  extraVolumes: ['x'],
  podLabels: null,
  service: { type: 'ClusterIP', port: 80, annotations: {}, labels: {}, nodePort: 30000, ipFamilies: ['v4'] },
  mode: 'fast',
  config: { logLevel: 'info', maxConnections: 10, listenAddress: '::', timeout: 5 },
  nested: { x: { y: { zzz: 1 } } },
  deep: { a: { b: { c: { depthKey: 1 } } } },
  elsewhere: { depthKey: 2, TargetPort: 1 },
  near: { a: { depthKey: 3 } },
};

/** A component `app` with the given dependencies and values (and contract fields). */
const app = (values: Values, extra: Partial<Component> = {}) =>
  throwawayComponent('app', {}, { charts: [DEMO], values: () => values, ...extra });

async function check(
  values: Values,
  upstream: Readonly<Record<string, PinnedChart>> = { 'demo/1.0.0': { values: DEMO_VALUES } },
  extra: Partial<Component> = {},
): Promise<readonly Finding[]> {
  const ctx = ruleContext({ components: [app(values, extra)], upstreamDir: pinnedUpstream(upstream) });
  return runRule('upstream-values', ctx);
}

/** Each finding as [key path, message, fix] (they all are errors of rule upstream-values in chart app). */
function brief(findings: readonly Finding[]): (string | undefined)[][] {
  for (const f of findings)
    expect([f.severity, f.rule, f.chart]).toEqual(['error', 'upstream-values', 'app']);
  return findings.map((f) => [f.where.replace(/^charts\/app\/values\.yaml: /, ''), f.message, f.fix]);
}

const notAValue = (of = 'demo 1.0.0', schema = false) =>
  `not a value of ${of} (neither in its values.yaml${schema ? ' nor its values.schema.json' : ''}): the chart would silently ignore it`;
const declareFreeForm = (parent: string) =>
  `remove it, or if upstream really takes free-form keys here, declare ${parent} in the component's freeFormValues with a reason`;

describe('upstream-values', () => {
  it('records what it could not verify without pinned upstream data, and finds nothing', async () => {
    const ctx = ruleContext({ components: [app({ demo: { nonsense: 1 } })] });
    expect(await runRule('upstream-values', ctx)).toEqual([]);
    expect(ctx.unverified()).toEqual([
      "upstream-values: the keys idstack sets were not compared with the upstream charts' values.yaml (no pinned upstream data: set IDSTACK_UPSTREAM)",
    ]);
  });

  it('passes every key upstream has, below its free-form values too', async () => {
    const ctx = ruleContext({
      components: [
        app({
          demo: {
            replicas: 2,
            image: { tag: 'v2', pullPolicy: null },
            resources: { limits: { cpu: 1 } },
            tolerations: { anything: 1 },
            extraVolumes: { anything: 1 },
            podLabels: { a: 'b' },
            service: { annotations: { x: 'y' }, ipFamilies: { any: 1 } },
            config: null,
            mode: {},
          },
        }),
      ],
      upstreamDir: pinnedUpstream({ 'demo/1.0.0': { values: DEMO_VALUES } }),
    });
    expect(await runRule('upstream-values', ctx)).toEqual([]);
    expect(ctx.unverified()).toEqual([]);
  });

  it('checks every chart of the stack', async () => {
    const second = throwawayComponent(
      'second',
      {},
      { charts: [DEMO], values: () => ({ demo: { wrong: 1 } }) },
    );
    const ctx = ruleContext({
      components: [app({ demo: { bad: 1 } }), second],
      upstreamDir: pinnedUpstream({ 'demo/1.0.0': { values: DEMO_VALUES } }),
    });
    expect((await runRule('upstream-values', ctx)).map((f) => [f.chart, f.where])).toEqual([
      ['app', 'charts/app/values.yaml: demo.bad'],
      ['second', 'charts/second/values.yaml: demo.wrong'],
    ]);
  });

  it('fails on a key upstream lacks, with the whole finding', async () => {
    expect(await check({ demo: { unknownThing: 1 } })).toEqual([
      {
        severity: 'error',
        rule: 'upstream-values',
        chart: 'app',
        where: 'charts/app/values.yaml: demo.unknownThing',
        message: notAValue(),
        fix: declareFreeForm('demo'),
      },
    ]);
  });

  it.each<[string, Values, (string | undefined)[][]]>([
    [
      'a near-miss sibling',
      { demo: { replicaz: 2 } },
      [['demo.replicaz', notAValue(), 'did you mean demo.replicas?']],
    ],
    [
      'a near-miss two edits away in a short key',
      { demo: { config: { logLvl: 'x' } } },
      [['demo.config.logLvl', notAValue(), 'did you mean demo.config.logLevel?']],
    ],
    [
      'a near-miss three edits away in a nine-letter key',
      { demo: { config: { listenAddxxx: 'x' } } },
      [['demo.config.listenAddxxx', notAValue(), 'did you mean demo.config.listenAddress?']],
    ],
    [
      'no near miss four edits away in a ten-letter key',
      { demo: { config: { maxConnect: 1 } } },
      [['demo.config.maxConnect', notAValue(), declareFreeForm('demo.config')]],
    ],
    [
      'no near miss three edits away in an eight-letter key',
      { demo: { config: { timeoxxx: 1 } } },
      [['demo.config.timeoxxx', notAValue(), declareFreeForm('demo.config')]],
    ],
    [
      'a key of the same name deeper below the same parent (any case)',
      { demo: { nested: { ZZZ: 1 } } },
      [['demo.nested.ZZZ', notAValue(), 'did you mean demo.nested.x.y.zzz?']],
    ],
    [
      'a key of the same name deeper below the same parent before one elsewhere nearer the top',
      { demo: { near: { depthKey: 1 } } },
      [['demo.near.depthKey', notAValue(), 'did you mean demo.near.a.depthKey?']],
    ],
    [
      'the same key elsewhere in the chart when it is more than three levels below the parent',
      { demo: { deep: { depthKey: 1 } } },
      [['demo.deep.depthKey', notAValue(), 'did you mean demo.elsewhere.depthKey?']],
    ],
    [
      'the same key elsewhere in the chart (any case)',
      { demo: { image: { targetport: 1 } } },
      [['demo.image.targetport', notAValue(), 'did you mean demo.elsewhere.TargetPort?']],
    ],
    [
      'no top-level key as the same key elsewhere',
      { demo: { image: { mode: 1 } } },
      [['demo.image.mode', notAValue(), declareFreeForm('demo.image')]],
    ],
  ])('suggests %s', async (_, values, expected) => {
    const found = brief(await check(values));
    expect(found).toEqual(expected);
  });

  it.each<[string, Values, (string | undefined)[][]]>([
    [
      'a value where upstream has a map (its first five keys named)',
      { demo: { service: 'LoadBalancer' } },
      [
        [
          'demo.service',
          'upstream demo.service is a map (type, port, annotations, labels, nodePort, ...), idstack sets "LoadBalancer"',
          'set one of its keys instead, e.g. demo.service.type',
        ],
      ],
    ],
    [
      'a map where upstream has a value',
      { demo: { mode: { fast: true } } },
      [['demo.mode', 'upstream demo.mode is a string ("fast"), idstack sets a map', undefined]],
    ],
  ])('fails on %s', async (_, values, expected) => {
    const found = await check(values);
    expect(brief(found)).toEqual(expected);
    if (expected[0]?.[2] === undefined) expect(found[0]).not.toHaveProperty('fix');
  });

  it('fails on a stray top-level key, neither a dependency alias nor a knob (issue #14)', async () => {
    const upstream = { 'demo/1.0.0': { values: DEMO_VALUES }, 'other/2.0.0': { values: {} } };
    expect(
      brief(await check({ demo: { replicas: 1 }, stray: 1 }, upstream, { charts: [DEMO, OTHER] })),
    ).toEqual([
      [
        'stray',
        '"stray" is neither a dependency alias (demo, other) nor a declared knob of the chart',
        "move it under the dependency it configures, or declare it in the component's `knobs`",
      ],
    ]);
    expect(brief(await check({ stray: 1 }, upstream, { charts: [] }))).toEqual([
      [
        'stray',
        '"stray" is neither a dependency alias (none) nor a declared knob of the chart',
        "move it under the dependency it configures, or declare it in the component's `knobs`",
      ],
    ]);
    const knobs = z.object({ stray: z.number() });
    expect(await check({ demo: { replicas: 1 }, stray: 1 }, upstream, { knobs })).toEqual([]);
  });

  it("checks the umbrella's global against every dependency's global (issue #14)", async () => {
    const upstream = {
      'demo/1.0.0': {
        values: {
          global: {
            imageRegistry: '',
            security: { strict: false },
            tier: 'gold',
            shared: { fixed: 1 },
            both: { a: 1 },
          },
        },
      },
      'other/2.0.0': { values: { global: { otherOnly: true, shared: {}, both: { b: 1 } } } },
    };
    const global = {
      imageRegistry: 'registry.example.org',
      otherOnly: false,
      security: { strict: true, strictt: true },
      tier: { deep: 1 },
      shared: { anything: 1 },
      both: { a: 2, b: 2, unlisted: 2 },
      unknownGlobal: 1,
    };
    const found = await check({ global }, upstream, { charts: [DEMO, OTHER, GHOST] });
    expect(brief(found)).toEqual([
      ['global.security.strictt', notAValue('any dependency'), 'did you mean global.security.strict?'],
      ['global.both.unlisted', notAValue('any dependency'), declareFreeForm('global.both')],
      ['global.unknownGlobal', notAValue('any dependency'), declareFreeForm('global')],
    ]);
    expect(await check({ global: 'not a map' }, upstream, { charts: [DEMO, OTHER] })).toEqual([]);
  });

  it('fails on a dependency with no pinned data, naming the folder', async () => {
    const upstream = { 'demo/1.0.0': { values: DEMO_VALUES } };
    const dir = pinnedUpstream(upstream);
    const ctx = ruleContext({
      components: [app({ demo: { replicas: 1 }, ghost: { a: 1 } }, { charts: [DEMO, GHOST] })],
      upstreamDir: dir,
    });
    expect(brief(await runRule('upstream-values', ctx))).toEqual([
      [
        'ghost',
        `no pinned upstream data for ghost 3.0.0 in ${dir}: its values cannot be verified`,
        'pin ghost 3.0.0 (values.yaml, schema, CRDs) in the IDSTACK_UPSTREAM folder, or use the pinned version',
      ],
    ]);
  });

  it('skips free-form paths the component declares, and the dependency switch; a declaration needs a reason', async () => {
    const freeFormValues = [
      { path: 'demo.extra', reason: 'upstream ranges over it' },
      { path: 'demo.ab', reason: '' },
      { path: 'demo.blank', reason: '  ' },
    ];
    const charts = [{ ...DEMO, condition: 'demo.enabled' }];
    const values = { demo: { enabled: true, extra: { any: { thing: 1 } }, abc: 1 } };
    expect(brief(await check(values, undefined, { freeFormValues, charts }))).toEqual([
      [
        'demo.ab',
        'declared free-form without a reason',
        'say in freeFormValues why upstream takes free-form keys here',
      ],
      [
        'demo.blank',
        'declared free-form without a reason',
        'say in freeFormValues why upstream takes free-form keys here',
      ],
      ['demo.abc', notAValue(), declareFreeForm('demo')],
    ]);
    const whole = [{ path: 'demo', reason: 'a chart that takes anything' }];
    expect(await check({ demo: { anything: { at: 'all' } } }, undefined, { freeFormValues: whole })).toEqual(
      [],
    );
  });

  it('does not walk a dependency value that is not a map', async () => {
    // Not even its characters as keys: `additionalProperties` would judge each of them.
    const schema = {
      type: 'object',
      properties: { replicas: { type: 'integer' } },
      additionalProperties: { type: 'integer' },
    };
    expect(await check({ demo: 'oops' }, { 'demo/1.0.0': { values: DEMO_VALUES, schema } })).toEqual([]);
  });

  describe('values.yaml that cannot be read', () => {
    const read = (text: string | undefined) =>
      runRule(
        'upstream-values',
        ruleContext({
          components: [app({ demo: {} })],
          output: { 'charts/app/values.yaml': text },
          upstreamDir: pinnedUpstream({ 'demo/1.0.0': { values: DEMO_VALUES } }),
        }),
      );

    it('leaves a missing file to in-sync', async () => {
      expect(await read(undefined)).toEqual([]);
    });

    it.each([
      ['duplicate keys', 'demo: {}\ndemo: {}\n', 'Map keys must be unique at line 2, column 1:'],
      ['a list', '- demo\n', 'it is not a mapping'],
    ])('fails on %s, saying why', async (_, text, problem) => {
      expect(brief(await read(text))).toEqual([
        [
          '(file)',
          `values.yaml cannot be read as YAML values (${problem}): nothing in it can be verified`,
          'fix the YAML (duplicate keys are errors)',
        ],
      ]);
    });
  });

  describe("with upstream's values.schema.json", () => {
    const schema: Values = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        replicas: { type: 'integer', minimum: 1 },
        mode: { enum: ['fast', 'slow'] },
        fromSchema: { type: 'object', properties: { a: { type: 'string' } } },
        openMap: { type: 'object' },
        openAnyOf: { anyOf: [{ type: 'object' }, { type: 'null' }] },
        closed: { type: 'object', properties: { known: {} }, additionalProperties: false },
        viaRef: { $ref: '#/definitions/thing' },
        viaDefs: { $ref: '#/$defs/other' },
        escaped: { $ref: '#/definitions/a~1b~0c' },
        allOfThing: { allOf: [{ properties: { p: {} } }, { properties: { q: {} } }, true] },
        oneOfThing: { oneOf: [{ properties: { r: {} } }] },
        anyOfThing: { anyOf: [{ properties: { m: {} } }] },
        unicodePattern: { type: 'object', patternProperties: { '^\\p{Lu}': { type: 'string' } } },
        sealed: { type: 'object', additionalProperties: false },
        config: { type: 'object' },
        patterned: { type: 'object', patternProperties: { '^x-': { type: 'string' } } },
        badPattern: { type: 'object', patternProperties: { '^x-': true } },
        addl: {
          type: 'object',
          properties: { fixed: {} },
          additionalProperties: { type: 'object', properties: { k: { type: 'integer' } } },
        },
        addlTrue: { type: 'object', properties: { z: {} }, additionalProperties: true },
        global: {
          type: 'object',
          properties: { strict: { type: 'boolean' }, level: { type: 'integer' } },
          required: ['level'],
        },
      },
      definitions: {
        thing: { type: 'object', properties: { t: { type: 'string' } } },
        'a/b~c': { type: 'object', properties: { e: {} } },
      },
      $defs: { other: { type: 'object', properties: { o: { type: 'integer' } } } },
    };
    const values = { ...DEMO_VALUES, global: { level: 1 } };
    const withSchema = (ours: Values, s: Values = schema) =>
      check(ours, { 'demo/1.0.0': { values, schema: s } });

    it('passes keys the schema declares, and anything below an open schema', async () => {
      const ours = {
        replicas: 2,
        mode: 'slow',
        fromSchema: { a: 'x' },
        openMap: { any: { deep: 1 } },
        openAnyOf: { any: 1 },
        closed: { known: 1 },
        viaRef: { t: 'v' },
        viaDefs: { o: 1 },
        escaped: { e: 1 },
        allOfThing: { p: 1, q: 1 },
        oneOfThing: { r: 1 },
        anyOfThing: { m: 1 },
        unicodePattern: { Upper: 'v' },
        patterned: { 'x-one': 'v' },
        addl: { anyKey: { k: 1 } },
        addlTrue: { whatever: 1 },
      };
      expect(await withSchema({ demo: ours })).toEqual([]);
    });

    it.each<[string, Values, string[][]]>([
      [
        'below a key only the schema declares',
        { fromSchema: { bogus: 1 } },
        [['demo.fromSchema.bogus', 'demo.fromSchema']],
      ],
      ['through a $ref to definitions', { viaRef: { u: 1 } }, [['demo.viaRef.u', 'demo.viaRef']]],
      ['beside all of allOf', { allOfThing: { s: 1 } }, [['demo.allOfThing.s', 'demo.allOfThing']]],
      ['beside anyOf', { anyOfThing: { bogus: 1 } }, [['demo.anyOfThing.bogus', 'demo.anyOfThing']]],
      ['beside oneOf', { oneOfThing: { bogus: 1 } }, [['demo.oneOfThing.bogus', 'demo.oneOfThing']]],
      ['through an escaped $ref', { escaped: { bogus: 1 } }, [['demo.escaped.bogus', 'demo.escaped']]],
      [
        'not matching a unicode pattern',
        { unicodePattern: { lower: 'v' } },
        [['demo.unicodePattern.lower', 'demo.unicodePattern']],
      ],
      [
        'values.yaml lacks below a map, although the schema leaves it open',
        { config: { bogus: 1 } },
        [['demo.config.bogus', 'demo.config']],
      ],
      [
        'not matching patternProperties',
        { patterned: { bogus: 'v' } },
        [['demo.patterned.bogus', 'demo.patterned']],
      ],
      [
        'with a boolean pattern schema',
        { badPattern: { 'x-a': 1 } },
        [['demo.badPattern.x-a', 'demo.badPattern']],
      ],
      [
        'below additionalProperties',
        { addl: { anyKey: { j: 1 } } },
        [['demo.addl.anyKey.j', 'demo.addl.anyKey']],
      ],
    ])('fails on a key %s', async (_, ours, expected) => {
      expect(brief(await withSchema({ demo: ours }))).toEqual(
        expected.map(([path, parent]) => [
          path,
          notAValue('demo 1.0.0', true),
          declareFreeForm(parent as string),
        ]),
      );
    });

    const invalid = (message: string) => `${message} (upstream values.schema.json of demo 1.0.0)`;
    it.each<[string, Values, Values | undefined, string[][]]>([
      [
        'a value below the minimum',
        { demo: { replicas: 0 } },
        undefined,
        [['demo.replicas', 'must be >= 1']],
      ],
      [
        'a value outside an enum',
        { demo: { mode: 'medium' } },
        undefined,
        [['demo.mode', 'must be one of ["fast","slow"]']],
      ],
      [
        'a wrong type through definitions',
        { demo: { viaRef: { t: 5 } } },
        undefined,
        [['demo.viaRef.t', 'must be string']],
      ],
      [
        'a wrong type through $defs',
        { demo: { viaDefs: { o: 'x' } } },
        undefined,
        [['demo.viaDefs.o', 'must be integer']],
      ],
      [
        "the umbrella's global, merged over upstream's global",
        { demo: { replicas: 1 }, global: { strict: 'yes' } },
        undefined,
        [['demo.global.strict', 'must be boolean']],
      ],
      [
        'an item of a 2020-12 schema (prefixItems)',
        { demo: { ports: ['http'] } },
        {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { ports: { type: 'array', prefixItems: [{ type: 'integer' }] } },
        },
        [['demo.ports.0', 'must be integer']],
      ],
    ])('fails on %s', async (_, ours, s, expected) => {
      const dir = pinnedUpstream({ 'demo/1.0.0': { values, schema: s ?? schema } });
      const ctx = ruleContext({
        components: [app(ours, { freeFormValues: [{ path: 'global', reason: 'test' }] })],
        upstreamDir: dir,
      });
      const found = await runRule('upstream-values', ctx);
      expect(brief(found)).toEqual(
        expected.map(([path, message]) => [
          path,
          invalid(message as string),
          `set a value the upstream schema accepts (see ${dir}/demo/1.0.0/values.schema.json)`,
        ]),
      );
    });

    it.each(['closed', 'sealed'])(
      'fails on a key the %s schema rejects, twice: unknown, and invalid',
      async (key) => {
        expect(brief(await withSchema({ demo: { [key]: { bogus: 1 } } }))).toEqual([
          [`demo.${key}.bogus`, notAValue('demo 1.0.0', true), declareFreeForm(`demo.${key}`)],
          [
            `demo.${key}.bogus`,
            invalid('unknown key (the schema allows no such key here)'),
            expect.stringMatching(/^set a value the upstream schema accepts/),
          ],
        ]);
      },
    );

    it("resolves `$ref: '#'` to the root of upstream's schema", async () => {
      const selfRef = {
        type: 'object',
        properties: {
          replicas: { type: 'integer' },
          tree: { type: 'object', properties: { child: { $ref: '#' } } },
        },
      };
      const found = await check(
        { demo: { tree: { child: { replicas: 2, bogus: 1 } } } },
        {
          'demo/1.0.0': { values: { replicas: 1 }, schema: selfRef },
        },
      );
      expect(brief(found)).toEqual([
        ['demo.tree.child.bogus', notAValue('demo 1.0.0', true), declareFreeForm('demo.tree.child')],
      ]);
    });

    it('stops following a chain of $ref after 20 hops (a guard against cycles): the rest counts as open', async () => {
      const definitions: Values = { r20: { type: 'object', properties: { k: {} } } };
      for (let i = 0; i < 20; i++) definitions[`r${i}`] = { $ref: `#/definitions/r${i + 1}` };
      const chained = (start: string) => ({
        type: 'object',
        properties: { chain: { $ref: `#/definitions/${start}` } },
        definitions,
      });
      const ours = { demo: { chain: { bogus: 1 } } };
      expect(await check(ours, { 'demo/1.0.0': { values: {}, schema: chained('r0') } })).toEqual([]);
      expect(brief(await check(ours, { 'demo/1.0.0': { values: {}, schema: chained('r1') } }))).toEqual([
        ['demo.chain.bogus', notAValue('demo 1.0.0', true), declareFreeForm('demo.chain')],
      ]);
    });

    it("validates no upstream default idstack does not set (upstream's global included)", async () => {
      const schema = {
        type: 'object',
        properties: {
          replicas: { type: 'integer' },
          mode: { type: 'integer' },
          global: { type: 'object', properties: { level: { type: 'integer' } } },
        },
      };
      const upstream = {
        'demo/1.0.0': { values: { replicas: 1, mode: 'fast', global: { level: 'one' } }, schema },
      };
      expect(await check({ demo: { replicas: 2 } }, upstream)).toEqual([]);
    });

    it('validates no key set to null (Helm drops it) and no key the schema does not declare', async () => {
      expect(await withSchema({ demo: { replicas: null, image: { tag: 'v2' } } })).toEqual([]);
    });

    it("validates a subchart's values against its own schema, under its name and its alias", async () => {
      const dir = pinnedUpstream({
        'demo/1.0.0': {
          values: { replicas: 1 },
          chartYaml: {
            name: 'demo',
            version: '1.0.0',
            dependencies: [{ name: 'db', alias: 'database' }, { name: 'cache' }],
          },
          subcharts: {
            db: {
              values: { port: 5432, global: { ignored: true } },
              schema: { type: 'object', properties: { port: { type: 'integer' } } },
            },
            cache: { values: { size: 1 } },
          },
        },
      });
      const ours = { demo: { db: { port: 'x' }, database: { port: 'y' }, cache: { size: 2 } } };
      const found = await runRule(
        'upstream-values',
        ruleContext({ components: [app(ours)], upstreamDir: dir }),
      );
      expect(brief(found)).toEqual([
        [
          'demo.db.port',
          'must be integer (upstream subcharts/db.values.schema.json of demo 1.0.0)',
          `set a value the upstream schema accepts (see ${dir}/demo/1.0.0/subcharts/db.values.schema.json)`,
        ],
        [
          'demo.database.port',
          // Under its alias, the path says where the value is set; the schema is still the subchart's own file.
          'must be integer (upstream subcharts/db.values.schema.json of demo 1.0.0)',
          `set a value the upstream schema accepts (see ${dir}/demo/1.0.0/subcharts/db.values.schema.json)`,
        ],
      ]);
      const unset = { demo: { replicas: 2, database: null } };
      expect(
        await runRule('upstream-values', ruleContext({ components: [app(unset)], upstreamDir: dir })),
      ).toEqual([]);
    });
  });
});
