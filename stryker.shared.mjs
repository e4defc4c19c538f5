// Mutation testing (StrykerJS + its vitest runner), shared by the packages that run it: `pnpm mutate`.
// In place, because each package's vitest config imports ../../vitest.shared.ts, which a sandbox copy lacks;
// Stryker restores the sources when it ends (also on Ctrl-C).

/**
 * @param {string[]} mutate the source files whose mutants the tests must kill
 * @param {{ configFile: string, dir?: string }} [vitest] the vitest config whose tests judge them, and the folder its
 *   `include` patterns start from (Stryker passes `dir` to vitest itself) (default: the package's own tests)
 */
export function strykerConfig(mutate, vitest = { configFile: 'vitest.config.ts' }) {
  return {
    testRunner: 'vitest',
    vitest,
    // pnpm does not hoist the runner next to @stryker-mutator/core, so it is named by path.
    plugins: [
      new URL('./node_modules/@stryker-mutator/vitest-runner/dist/src/index.js', import.meta.url).pathname,
    ],
    mutate,
    inPlace: true,
    coverageAnalysis: 'perTest',
    // Static mutants (module-level declarations: zod schemas, constant tables) are not covered per test, so each one
    // reruns the whole suite: 42% of core's mutants took 98% of the time. Their behaviour is still tested (the
    // config corpora, the schema walk); the report lists them as ignored, outside the score.
    ignoreStatic: true,
    // Reuses the previous run's results for mutants whose code and covering tests did not change.
    incremental: true,
    incrementalFile: 'reports/stryker-incremental.json',
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: 'reports/mutation.json' },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    concurrency: 2,
    timeoutMS: 60_000,
    // The first run of the whole suite (coverage per test) shares the machine with whatever else runs on it.
    dryRunTimeoutMinutes: 30,
    thresholds: { high: 90, low: 80, break: 80 },
  };
}
