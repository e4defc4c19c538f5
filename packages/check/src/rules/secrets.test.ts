import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RuleContextInput, ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import { literalSecrets, secretLikeKey } from './secrets.js';

describe('secretLikeKey', () => {
  it('tells credentials from references by key name', () => {
    expect(secretLikeKey('password')).toBe('literal');
    expect(secretLikeKey('clientSecret')).toBe('literal');
    expect(secretLikeKey('AUTHENTIK_SECRET_KEY')).toBe('literal');
    expect(secretLikeKey('argocdServerAdminPassword')).toBe('literal');
    expect(secretLikeKey('existingSecret')).toBeUndefined();
    expect(secretLikeKey('secretName')).toBeUndefined();
    expect(secretLikeKey('passwordKey')).toBeUndefined();
    expect(secretLikeKey('tlsSecret')).toBe('name');
  });

  it.each([
    ...[
      'password',
      'passwd',
      'pwd',
      'passphrase',
      'token',
      'credential',
      'credentials',
      'apikey',
      'secretkey',
      'privatekey',
    ].map((k) => [k, 'literal'] as const),
    ['DB_PASSWORD', 'literal'],
    ['bootstrapToken', 'literal'],
    ['github-token', 'literal'],
    ['api_key', 'literal'],
    ['secret-key', 'literal'],
    ['privateKey', 'literal'],
    ['accessKey', 'literal'],
    ['encryptionKey', 'literal'],
    ['signingKey', 'literal'],
    ['masterKey', 'literal'],
    ['licenseKey', 'literal'],
    ['key', undefined],
    ['cacheKey', undefined],
    ['secret', 'name'],
    ['CLIENT-SECRET', 'literal'],
    ['client_secret', 'literal'],
    ['jwtSecret', 'literal'],
    ['cookieSecret', 'literal'],
    ['oauth2Secret', 'name'],
    ['existingPassword', undefined],
    ['tokenName', undefined],
    ['', undefined],
    ['__', undefined],
    ['PASSWORD_', 'literal'],
    ['_existing_password', undefined],
  ] as const)('%s is %s', (key, kind) => {
    expect(secretLikeKey(key)).toBe(kind);
  });
});

describe('literalSecrets', () => {
  it.each([
    [
      'an env var with a literal password',
      { env: [{ name: 'DB_PASSWORD', value: 'hunter22' }] },
      [['env[0].value', 'env DB_PASSWORD has a literal value']],
    ],
    [
      'an env var at the root',
      { name: 'API_TOKEN', value: 'abcdef' },
      [['(root).value', 'env API_TOKEN has a literal value']],
    ],
    [
      'an env list at the root',
      [{ name: 'API_TOKEN', value: 'abcdef' }],
      [['[0].value', 'env API_TOKEN has a literal value']],
    ],
    [
      'a key named token',
      { auth: { token: 'abc123xyz' } },
      [['auth.token', '"token" holds a literal value (ab*******)']],
    ],
    [
      'a password in a list',
      { users: [{ password: 'hunter22' }] },
      [['users[0].password', '"password" holds a literal value (hu******)']],
    ],
    ['a short password', { password: 'abcd' }, [['password', '"password" holds a literal value (****)']]],
    [
      'a five-letter password',
      { password: 'abcde' },
      [['password', '"password" holds a literal value (ab***)']],
    ],
    [
      'a long password',
      { password: 'abcdefghijklmnop' },
      [['password', '"password" holds a literal value (ab********)']],
    ],
    [
      'a secret-like key holding no Secret name',
      { tlsSecret: 'Not A Name!' },
      [['tlsSecret', '"tlsSecret" holds a literal secret-like value (No********)']],
    ],
    [
      'a Secret name ending in a dash',
      { tlsSecret: 'my-tls-' },
      [['tlsSecret', '"tlsSecret" holds a literal secret-like value (my*****)']],
    ],
    [
      'a Secret name starting with a dash',
      { tlsSecret: '-my-tls' },
      [['tlsSecret', '"tlsSecret" holds a literal secret-like value (-m*****)']],
    ],
    [
      'a credential under a key that only says "from"',
      { from: { password: 'hunter22' } },
      [['from.password', '"password" holds a literal value (hu******)']],
    ],
    [
      'a literal in a key with an existing-prefixed sibling',
      { existingSecret: 'db', password: 'hunter22' },
      [['password', '"password" holds a literal value (hu******)']],
    ],
  ])('finds %s', (_, node, hits) => {
    expect(literalSecrets(node, []).map((h) => [h.path, h.message])).toEqual(hits);
  });

  it.each([
    ['an env var of no secret', { env: [{ name: 'LOG_LEVEL', value: 'debug' }] }],
    ['an env var whose value is no string', { env: [{ name: 'DB_PASSWORD', value: 5 }] }],
    ['an env var whose name is no string', { env: [{ name: 5, value: 'x' }] }],
    ['an empty value', { password: '' }],
    ['a blank value', { password: '  ' }],
    ['a template', { password: 'x{{ .Values.password }}' }],
    ['an env substitution', { password: '$DB_PASSWORD' }],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} is the case under test
    ['a braced env substitution', { password: ' ${DB_PASSWORD} ' }],
    ['a Kubernetes env expansion', { password: '$(DB_PASSWORD)' }],
    ['a mounted file', { password: '/run/secrets/db' }],
    ['an env: reference', { password: 'env:DB_PASSWORD' }],
    ['a FILE: reference', { password: 'FILE:/x' }],
    ['a secret: reference', { password: 'secret:db' }],
    ['a vault: reference', { password: 'vault:kv/db' }],
    ['a ref: reference', { password: 'ref:db' }],
    ['a Secret name', { tlsSecret: 'my-tls.example' }],
    ['a one-letter Secret name', { tlsSecret: 'a' }],
    ['a number', { password: 1234567 }],
    ['null', { password: null }],
    ['an existing Secret', { existingSecret: { password: 'hunter22' } }],
    ['a secretKeyRef', { secretKeyRef: { password: 'hunter22' } }],
    ['a list of refs', { secretRefs: [{ password: 'hunter22' }] }],
    ['valueFrom', { valueFrom: { password: 'hunter22' } }],
    ['envFromSecret', { envFromSecret: { password: 'hunter22' } }],
    ['secretsFrom', { secretsFrom: { password: 'hunter22' } }],
    ['a key of no secret', { username: 'admin' }],
    ['a padded Kubernetes env expansion', { password: ' $(DB_PASSWORD) ' }],
    ['a list holding null', { env: [null] }],
  ])('lets %s pass', (_, node) => {
    expect(literalSecrets(node, [])).toEqual([]);
  });

  it.each([
    ['a leading dollar and digit', { password: '$1secret' }],
    ['a template-looking prefix without braces', { password: '{ x }' }],
    ['a relative path', { password: 'run/secrets/db' }],
    ['an unknown scheme', { password: 'http:x' }],
    ['a Kubernetes expansion with text after it', { password: '$(DB_PASSWORD)x' }],
    ['an env substitution with text after it', { password: '$DB_PASSWORD x' }],
    ['text before a reference scheme', { password: 'x env:DB' }],
    ['text before an env substitution', { password: 'x$DB_PASSWORD' }],
    ['text before a Kubernetes env expansion', { password: 'x$(DB_PASSWORD)' }],
  ])('takes %s for a literal', (_, node) => {
    expect(literalSecrets(node, []).map((h) => h.path)).toEqual(['password']);
  });

  it('starts paths where it is told', () => {
    expect(literalSecrets({ password: 'hunter22' }, ['a', 'b']).map((h) => h.path)).toEqual(['a.b.password']);
    expect(literalSecrets([{ password: 'hunter22' }], ['a', 'list']).map((h) => h.path)).toEqual([
      'a.list[0].password',
    ]);
  });
});

const app = throwawayComponent('app', {});
const check = (input: Partial<RuleContextInput>) =>
  runRule('secrets', ruleContext({ components: [app], ...input }));
const VALUES_FIX =
  "reference a Secret (existingSecret / secretKeyRef) and declare it in the component's `secrets`";
const OBJECT_FIX = 'reference a Secret (secretKeyRef / existingSecret) instead of a literal value';

describe('secrets (rule)', () => {
  it('passes a stack as the build renders it', async () => {
    expect(await check({})).toEqual([]);
  });

  it("fails on a literal secret in a chart's values.yaml, not in other YAML files", async () => {
    const findings = await check({
      output: {
        'charts/app/values.yaml': stringify({ db: { password: 'hunter22' } }),
        'charts/app/myvalues.yaml': stringify({ db: { password: 'hunter22' } }),
        'charts/app/values.yaml.orig': stringify({ db: { password: 'hunter22' } }),
        'cluster/values.yaml': stringify({ token: 'abcdefgh' }),
      },
    });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'secrets',
        chart: 'app',
        where: 'charts/app/values.yaml: db.password',
        message: '"password" holds a literal value (hu******)',
        fix: VALUES_FIX,
      },
      {
        severity: 'error',
        rule: 'secrets',
        chart: 'cluster',
        where: 'cluster/values.yaml: token',
        message: '"token" holds a literal value (ab******)',
        fix: VALUES_FIX,
      },
      {
        severity: 'error',
        rule: 'secrets',
        chart: 'cluster',
        where: 'cluster/values.yaml: undefined/? token',
        message: '"token" holds a literal value (ab******)',
        fix: OBJECT_FIX,
      },
    ]);
  });

  it('skips a values.yaml that does not parse (other rules report it)', async () => {
    expect(await check({ output: { 'charts/app/values.yaml': 'password: [hunter22\n' } })).toEqual([]);
  });

  it('runs secretlint over every file, naming the file and line', async () => {
    const findings = await check({
      output: {
        'charts/app/templates/x.yaml': '# a\nurl: postgres://admin:hunter2secret@db.example.org:5432/app\n',
      },
    });
    expect(findings.map((f) => [f.chart, f.where, f.fix])).toEqual([
      [
        'app',
        'charts/app/templates/x.yaml:2',
        "remove the value from git: reference a Secret by name and declare it in the component's `secrets`",
      ],
    ]);
    expect(findings[0]?.message).toMatch(
      /^secretlint database-connection-string: found PostgreSQL connection string: \*+$/,
    );
  });

  it('fails on an env var with a literal password in a rendered object', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'c',
                env: [
                  { name: 'DB_PASSWORD', value: 'hunter22' },
                  { name: 'DB_USER', value: 'app' },
                  { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
                ],
              },
            ],
          },
        },
      },
    };
    const findings = await check({ objects: { app: { 'templates/d.yaml': stringify(deployment) } } });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'secrets',
        chart: 'app',
        where: 'charts/app/templates/d.yaml: Deployment/d spec.template.spec.containers[0].env[0].value',
        message: 'env DB_PASSWORD has a literal value',
        fix: OBJECT_FIX,
      },
    ]);
  });

  it('fails on a literal in an object under cluster/', async () => {
    const extra = stringify({
      apiVersion: 'example.org/v1',
      kind: 'Thing',
      metadata: { name: 't' },
      spec: { token: 'abcdefgh' },
    });
    const findings = await check({ output: { 'cluster/extra.yaml': extra } });
    expect(findings.map((f) => [f.chart, f.where, f.message, f.fix])).toEqual([
      [
        'cluster',
        'cluster/extra.yaml: Thing/t spec.token',
        '"token" holds a literal value (ab******)',
        OBJECT_FIX,
      ],
    ]);
  });

  const secret = (name: string, body: Record<string, unknown>, apiVersion = 'v1') =>
    stringify({ apiVersion, kind: 'Secret', metadata: { name }, ...body });

  it('fails on a Secret of its own templates that carries data or stringData, not on an empty one', async () => {
    const findings = await check({
      objects: {
        app: {
          'templates/s.yaml': [
            secret('data', { data: { a: 'eA==', b: 'eQ==' } }),
            secret('string', { stringData: { config: 'x' } }),
            secret('both', { data: { a: 'eA==' }, stringData: { b: 'y' } }),
            secret('empty', { type: 'Opaque' }),
            secret('odd', { data: 'not a map', stringData: ['x'] }),
          ].join('---\n'),
        },
      },
    });
    const fix =
      'do not render Secrets with values: declare it in `secrets` so the operator creates it (`idstack secrets`)';
    expect(findings).toEqual(
      [
        ['Secret/data', 'a, b'],
        ['Secret/string', 'config'],
        ['Secret/both', 'a, b'],
      ].map(([what, keys]) => ({
        severity: 'error',
        rule: 'secrets',
        chart: 'app',
        where: `charts/app/templates/s.yaml: ${what}`,
        message: `a Secret with literal data (${keys}) is rendered into git`,
        fix,
      })),
    );
  });

  it('reports a Secret of its own templates once, not again key by key', async () => {
    const findings = await check({
      objects: { app: { 'templates/s.yaml': secret('db', { stringData: { password: 'hunter22' } }) } },
    });
    expect(findings.map((f) => f.message)).toEqual([
      'a Secret with literal data (password) is rendered into git',
    ]);
  });

  it("fails on an upstream chart's Secret only for credential-like keys holding values", async () => {
    const findings = await check({
      objects: {
        app: {
          'charts/up/templates/s.yaml': [
            secret('creds', {
              data: { password: 'aGVsbG8=', config: 'eA==', token: '' },
              stringData: { apiKey: 'k' },
            }),
            secret('config', { stringData: { config: 'x', 'tls.crt': 'y' } }),
            secret('number', { stringData: { password: 5 } }),
          ].join('---\n'),
        },
      },
    });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'secrets',
        chart: 'app',
        where: 'charts/app/charts/up/templates/s.yaml: Secret/creds',
        message: 'an upstream chart renders a Secret with literal credentials (password, apiKey) into git',
        fix: "set the chart values that make it reference an existing Secret, and declare that Secret in the component's `secrets`",
      },
    ]);
  });

  it('judges a Secret of another API group as any object', async () => {
    const findings = await check({
      objects: {
        app: {
          'templates/s.yaml': secret('s', { data: { password: 'hunter22', a: 'b' } }, 'example.org/v1'),
        },
      },
    });
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      ['charts/app/templates/s.yaml: Secret/s data.password', '"password" holds a literal value (hu******)'],
    ]);
  });

  it('judges a v1 object of another kind than Secret as any object', async () => {
    const configMap = stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { password: 'hunter22' },
    });
    const findings = await check({ objects: { app: { 'templates/c.yaml': configMap } } });
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      [
        'charts/app/templates/c.yaml: ConfigMap/c data.password',
        '"password" holds a literal value (hu******)',
      ],
    ]);
  });

  it('names the chart by its folder under charts/, even one that looks like a package', async () => {
    const findings = await check({
      output: { 'charts/app-2.tgz-x/values.yaml': stringify({ password: 'hunter22' }) },
    });
    expect(findings.map((f) => [f.chart, f.where])).toEqual([
      ['app-2.tgz-x', 'charts/app-2.tgz-x/values.yaml: password'],
    ]);
  });

  it("gives secretlint each file's extension: a GCP service account key in a .json file", async () => {
    const key = JSON.stringify({
      type: 'service_account',
      private_key_id: '0123456789abcdef',
      private_key:
        '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
    });
    const findings = await check({
      output: {
        'charts/app/files/sa.key.json': key,
        'charts/app/files/sa.key.yaml': key,
        'charts/app/files/LICENSE': key,
      },
    });
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      [
        'charts/app/files/sa.key.json:1',
        "secretlint gcp: found GCP Service Account's private key(json): ***********",
      ],
    ]);
  });

  describe('packaged charts (dist/charts/*.tgz)', () => {
    /** A repository root whose dist/charts holds `name` packaged (ustar) from `files`, plus `extra` files. */
    function packaged(
      archives: Record<string, Record<string, string>>,
      extra: Record<string, string> = {},
    ): string {
      const root = mkdtempSync(join(tmpdir(), 'idstack-secrets-dist-'));
      mkdirSync(join(root, 'dist', 'charts'), { recursive: true });
      for (const [archive, files] of Object.entries(archives)) {
        const src = mkdtempSync(join(tmpdir(), 'idstack-secrets-src-'));
        for (const [path, text] of Object.entries(files)) {
          mkdirSync(dirname(join(src, path)), { recursive: true });
          writeFileSync(join(src, path), text);
        }
        const top = [...new Set(Object.keys(files).map((p) => p.split('/')[0] as string))];
        execFileSync('tar', [
          '--format=ustar',
          '--sort=name',
          '-czf',
          join(root, 'dist', 'charts', archive),
          '-C',
          src,
          ...top,
        ]);
      }
      for (const [path, text] of Object.entries(extra))
        writeFileSync(join(root, 'dist', 'charts', path), text);
      return root;
    }

    /**
     * One ustar entry: a 512-byte header (name, octal size, type, prefix), then the content padded to 512. `size`, when
     * given, is the header's raw size field instead of the content's length (and no content follows).
     */
    const entry = (name: string, content: string, type: string, prefix = '', size?: string) => {
      const header = Buffer.alloc(512);
      header.write(name, 0);
      header.write(size ?? `${Buffer.byteLength(content).toString(8).padStart(11, '0')} `, 124);
      header.write(type, 156);
      header.write('ustar\u000000', 257);
      header.write(prefix, 345);
      const data = Buffer.alloc(size === undefined ? Math.ceil(Buffer.byteLength(content) / 512) * 512 : 0);
      data.write(content);
      return Buffer.concat([header, data]);
    };
    /** A repository root whose dist/charts holds `archive`, gzipped, as `name`. */
    const handMade = (name: string, archive: Buffer) => {
      const root = mkdtempSync(join(tmpdir(), 'idstack-secrets-tar-'));
      mkdirSync(join(root, 'dist', 'charts'), { recursive: true });
      writeFileSync(join(root, 'dist', 'charts', name), gzipSync(archive));
      return root;
    };

    it('fails on a literal secret in the values.yaml of a packaged chart, reading every file of the archive', async () => {
      const deep = `app/charts/${'d'.repeat(60)}/${'e'.repeat(30)}/values.yaml`;
      const root = packaged(
        {
          'app-1.2.3.tgz': {
            'app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 1.2.3\ndescription: ${'x'.repeat(700)}\n`,
            'app/values.yaml': stringify({ db: { password: 'hunter22' } }),
            [deep]: stringify({ token: 'abcdefgh' }),
          },
          'other-0.1.0-rc.1.tgz': { 'other/values.yaml': stringify({ auth: { token: 'zyxwvuts' } }) },
        },
        {
          'index.yaml': stringify({ password: 'hunter22' }),
          'notes.tgz.txt': stringify({ password: 'hunter22' }),
        },
      );
      const findings = await check({ root });
      expect(findings.map((f) => [f.chart, f.where, f.message, f.fix])).toEqual([
        [
          'app',
          `dist/charts/app-1.2.3.tgz/${deep}: token`,
          '"token" holds a literal value (ab******)',
          VALUES_FIX,
        ],
        [
          'app',
          'dist/charts/app-1.2.3.tgz/app/values.yaml: db.password',
          '"password" holds a literal value (hu******)',
          VALUES_FIX,
        ],
        [
          'other',
          'dist/charts/other-0.1.0-rc.1.tgz/other/values.yaml: auth.token',
          '"token" holds a literal value (zy******)',
          VALUES_FIX,
        ],
      ]);
    });

    it('reads the entries of a hand-made archive: old-style file types, directories, prefixes, block padding', async () => {
      const block = `# ${'x'.repeat(507)}\n`; // exactly 512 bytes: no padding
      const archive = Buffer.concat([
        entry('app/', '', '5'),
        entry('app/README.md', block, '0'),
        entry('app/values.yaml', stringify({ password: 'hunter22' }), ''),
        entry('values.yaml', stringify({ token: 'abcdefgh' }), '0', 'app/charts/sub'),
        entry('app/templates/values.yaml', `${'#'.repeat(600)}\npassword: zyxwvuts\n`, '0'),
        Buffer.alloc(1024),
      ]);
      const findings = await check({ root: handMade('app-1.0.0.tgz', archive) });
      expect(findings.map((f) => [f.chart, f.where])).toEqual([
        ['app', 'dist/charts/app-1.0.0.tgz/app/values.yaml: password'],
        ['app', 'dist/charts/app-1.0.0.tgz/app/charts/sub/values.yaml: token'],
        ['app', 'dist/charts/app-1.0.0.tgz/app/templates/values.yaml: password'],
      ]);
    });

    const secretValues = entry('app/values.yaml', stringify({ password: 'hunter22' }), '0');
    it.each([
      ['an entry whose size field is blank', [entry('app/', '', '5', '', ''), secretValues]],
      ['an entry whose size field is spaces', [entry('app/', '', '5', '', ' '.repeat(11)), secretValues]],
      [
        'nothing after the end-of-archive blocks',
        [
          secretValues,
          Buffer.alloc(1024),
          entry('app/charts/x/values.yaml', stringify({ token: 'abcdefgh' }), '0'),
        ],
      ],
      [
        'a pax extended header is no file',
        [secretValues, entry('app/PaxHeaders/values.yaml', stringify({ token: 'abcdefgh' }), 'x')],
      ],
    ])('reads a hand-made archive: %s', async (_, entries) => {
      const findings = await check({
        root: handMade('app-1.0.0.tgz', Buffer.concat([...entries, Buffer.alloc(1024)])),
      });
      expect(findings.map((f) => f.where)).toEqual(['dist/charts/app-1.0.0.tgz/app/values.yaml: password']);
    });

    it('runs secretlint over packaged files too', async () => {
      const root = packaged({
        'app-1.0.0.tgz': {
          'app/templates/x.yaml': 'url: postgres://admin:hunter2secret@db.example.org:5432/app\n',
        },
      });
      const findings = await check({ root });
      expect(findings.map((f) => [f.chart, f.where])).toEqual([
        ['app', 'dist/charts/app-1.0.0.tgz/app/templates/x.yaml:1'],
      ]);
    });

    it('passes without dist/charts, or with no archive in it', async () => {
      expect(await check({ root: mkdtempSync(join(tmpdir(), 'idstack-secrets-none-')) })).toEqual([]);
      expect(await check({ root: packaged({}) })).toEqual([]);
    });
  });
});
