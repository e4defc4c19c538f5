#!/usr/bin/env node
// `node scripts/mutation-report.mjs packages/<name> [more/report.json ...]`: turns the package's Stryker runs into its
// committed MUTATION.md: the score of every file the package's stryker.config.mjs mutates, and every surviving
// mutant with its justification from mutation-justified.json or marked UNJUSTIFIED.
//
// Runs add up (a run may mutate a few files: `pnpm exec stryker run --mutate src/x.ts`, or a few lines of one:
// `--mutate src/x.ts:10-20`): the last run's reports/mutation.json, and any reports named after the package folder, are
// folded into reports/mutation-all.json, a mutant's newest result replacing its older one. A result is only trusted
// for the source it measured: a file edited since is reported stale. A test file edited since (one whose tests
// covered the file's mutants) is reported too: the score still holds for the source, but a survivor may be killed
// now, so re-run before justifying it.
//
// Justifications: `{"<file>:<line>:<column> <mutator>": "why it is equivalent"}`. When two survivors share that key
// (a condition and its operand start at the same column), each needs its long key, `<file>:<line>:<column>-<end
// line>:<end column> <mutator>`, so one reason never covers a mutant it was not written for.
//
// Exit 1 when a file is unmeasured, stale, scores under 80%, or has an unjustified survivor: the report is the
// claim, so it must hold.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? '.');
const reports = join(dir, 'reports');
const allFile = join(reports, 'mutation-all.json');
const inputs = [join(reports, 'mutation.json'), ...process.argv.slice(3).map((f) => resolve(f))];

/** @type {Record<string, { source: string, mutants: any[], tests?: Record<string, string> }>} */
const files = existsSync(allFile) ? JSON.parse(readFileSync(allFile, 'utf8')).files : {};
for (const input of inputs) {
  if (!existsSync(input)) continue;
  const report = JSON.parse(readFileSync(input, 'utf8'));
  // What this run mutated: its --mutate globs, files or `file:line-line` ranges. An incremental run also reports the
  // results it reused from earlier runs (without their `static` flag); only what it mutated is this run's.
  const ranges = new Map();
  for (const entry of report.config?.mutate ?? []) {
    const m = /^([^!:][^:]*):(\d+)(?::\d+)?-(\d+)(?::\d+)?$/.exec(entry);
    if (m) ranges.set(m[1], [...(ranges.get(m[1]) ?? []), [Number(m[2]), Number(m[3])]]);
  }
  // Globs (a full `pnpm mutate`): every file reported is this run's. Named files and ranges: only those.
  const mutate = (report.config?.mutate ?? []).filter((e) => !e.startsWith('!'));
  const named = mutate.length > 0 && mutate.every((e) => !e.includes('*'));
  const whole = new Set(mutate.filter((e) => !ranges.has(e.split(':')[0])));
  const ranOn = (file, m) =>
    !named ||
    whole.has(file) ||
    (ranges.get(file) ?? []).some(
      ([from, to]) => m.location.start.line >= from && m.location.start.line <= to,
    );
  // Which test file each test id lives in, and that file's source as the run saw it.
  const testFileOf = new Map();
  for (const [testFile, { tests }] of Object.entries(report.testFiles ?? {}))
    for (const test of tests) testFileOf.set(test.id, testFile);
  for (const [file, result] of Object.entries(report.files)) {
    const covering = new Set(
      result.mutants.flatMap((m) => m.coveredBy ?? []).map((id) => testFileOf.get(id)),
    );
    const tests = Object.fromEntries(
      [...covering]
        .filter(Boolean)
        .sort()
        .map((t) => [t, report.testFiles[t].source ?? '']),
    );
    // A run over a few lines of a file (`--mutate src/x.ts:10-20`) updates those mutants and keeps the rest, when
    // the file is the one measured before; an edited file starts over.
    const before = files[file];
    if (before && before.source === result.source) {
      const where = (m) => `${JSON.stringify(m.location)} ${m.mutatorName} ${m.replacement ?? ''}`;
      const newer = new Map(result.mutants.filter((m) => ranOn(file, m)).map((m) => [where(m), m]));
      const kept = before.mutants.filter((m) => !newer.has(where(m)));
      files[file] = {
        source: result.source,
        mutants: [...kept, ...newer.values()],
        tests: { ...(before.tests ?? {}), ...tests },
      };
    } else if (!named || whole.has(file))
      files[file] = { source: result.source, mutants: result.mutants, tests };
  }
}
if (!Object.keys(files).length) {
  process.stderr.write(
    `mutation-report: no Stryker report in ${reports}: run \`pnpm mutate\` in ${dir} first\n`,
  );
  process.exit(2);
}
mkdirSync(reports, { recursive: true });
writeFileSync(allFile, `${JSON.stringify({ files })}\n`);

/** The files the package's Stryker config mutates (its `mutate` globs: `*` within one folder, `!` excludes). */
const { default: config } = await import(pathToFileURL(join(dir, 'stryker.config.mjs')).href);
const globRegex = (glob) =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
const include = config.mutate.filter((g) => !g.startsWith('!')).map(globRegex);
const exclude = config.mutate.filter((g) => g.startsWith('!')).map((g) => globRegex(g.slice(1)));
const sources = readdirSync(join(dir, 'src'), { recursive: true })
  .map((f) => relative(dir, join(dir, 'src', String(f))))
  .filter((f) => include.some((r) => r.test(f)) && !exclude.some((r) => r.test(f)))
  .sort();

const justifiedFile = join(dir, 'mutation-justified.json');
const justified = existsSync(justifiedFile) ? JSON.parse(readFileSync(justifiedFile, 'utf8')) : {};
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const rows = [];
const survivors = [];
for (const file of sources) {
  const result = files[file];
  if (!result) {
    rows.push({ file, state: 'not measured' });
    continue;
  }
  const stale = result.source !== readFileSync(join(dir, file), 'utf8');
  const testsEdited = Object.entries(result.tests ?? {}).some(
    ([test, source]) => !existsSync(join(dir, test)) || readFileSync(join(dir, test), 'utf8') !== source,
  );
  // A static mutant (module-level code: a constant table, the rule object itself) that "survived" was never tested:
  // the vitest runner switches mutants on per test, after the modules loaded, so the mutated constant never existed
  // (`id: ''` for a rule every test runs by id "survives"). It counts as ignored, like the ones Stryker ignores itself.
  const untestedStatic = (m) => m.static === true && UNDETECTED.has(m.status);
  const detected = result.mutants.filter((m) => DETECTED.has(m.status)).length;
  const undetected = result.mutants.filter((m) => UNDETECTED.has(m.status) && !untestedStatic(m));
  const ignored = result.mutants.filter((m) => m.status === 'Ignored' || untestedStatic(m)).length;
  const valid = detected + undetected.length;
  const score = valid ? (100 * detected) / valid : 100;
  rows.push({
    file,
    state: stale ? 'stale' : 'measured',
    testsEdited,
    score,
    detected,
    undetected: undetected.length,
    ignored,
  });
  const shortKey = (m) => `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}`;
  const sharing = new Map();
  for (const m of undetected) sharing.set(shortKey(m), (sharing.get(shortKey(m)) ?? 0) + 1);
  for (const m of undetected) {
    const { start, end } = m.location;
    const long = `${file}:${start.line}:${start.column}-${end.line}:${end.column} ${m.mutatorName}`;
    const key = sharing.get(shortKey(m)) > 1 ? long : shortKey(m);
    const why = justified[long] ?? (key === long ? undefined : justified[key]);
    survivors.push({ key, status: m.status, replacement: m.replacement ?? '', why, stale });
  }
}

const oneLine = (s) => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 80);
const cells = (r) =>
  r.state === 'not measured'
    ? [`\`${r.file}\``, 'not measured', '', '', '', '']
    : [
        `\`${r.file}\``,
        `${r.score.toFixed(1)}%`,
        String(r.detected),
        String(r.undetected),
        String(r.ignored),
        r.state === 'stale' ? 'no: edited since' : r.testsEdited ? 'yes (its tests edited since)' : 'yes',
      ];
const lines = [
  `# Mutation testing: ${dir.split('/').slice(-2).join('/')}`,
  '',
  'Generated by `node scripts/mutation-report.mjs` from the Stryker runs of this package (StrykerJS, vitest',
  'runner; `pnpm mutate`). Score = mutants detected (killed or timed out) / mutants that ran or had no test',
  'covering them; static mutants (module-level code, which the runner cannot switch per test) are ignored (see',
  'stryker.shared.mjs and scripts/mutation-report.mjs). "Current" says whether the file is still',
  'the source that was measured, and whether the tests that covered it were edited since (then a survivor below',
  'may be killed already: re-run the file).',
  '',
  '| file | score | detected | undetected | ignored (static) | current |',
  '| ---- | ----: | -------: | ---------: | ---------------: | ------- |',
  ...rows.map((r) => `| ${cells(r).join(' | ')} |`),
  '',
  '## Surviving mutants',
  '',
  ...(survivors.length
    ? survivors.map(
        (s) =>
          `- \`${s.key}\` (${s.status}${s.stale ? ', stale' : ''}) → \`${oneLine(s.replacement)}\`: ${s.why ?? '**UNJUSTIFIED**: a test should kill it'}`,
      )
    : ['None.']),
  '',
];
writeFileSync(join(dir, 'MUTATION.md'), lines.join('\n'));
const count = (state) => rows.filter((r) => r.state === state).length;
const low = rows.filter((r) => r.state !== 'not measured' && r.score < 80).length;
const unjustified = survivors.filter((s) => !s.why).length;
process.stdout.write(
  `mutation-report: ${join(dir, 'MUTATION.md')}: ${rows.length} file(s): ${count('not measured')} not measured, ` +
    `${count('stale')} stale, ${low} under 80%, ${unjustified} unjustified survivor(s)\n`,
);
process.exit(count('not measured') || count('stale') || low || unjustified ? 1 : 0);
