import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fakeComponent } from './test-support/fixtures.js';

// In a file of its own: it runs the build in child processes (seconds), so the mutation run leaves it out
// (vitest.mutation.config.ts): a mutant in the parent process cannot reach it anyway.
const platform = fakeComponent('platform', 'platform');

describe('renderStack', () => {
  it('is byte-identical across runs, time zones and locales', () => {
    const script = `
      import { renderStack } from './src/build.ts';
      import { validateStack } from './src/config/load.ts';
      import { fakeComponent } from './src/test-support/fixtures.ts';
      const all = [fakeComponent('platform', 'platform'), fakeComponent('infra', 'infra', ['platform'])];
      for (const c of all) c.packageDir = '${platform.packageDir}';
      const { files } = renderStack(all, validateStack({}, all));
      const hash = (await import('node:crypto')).createHash('sha256');
      for (const [p, c] of [...files].sort()) hash.update(p + '\\0' + c + '\\0');
      console.log(hash.digest('hex'));`;
    const run = (env: Record<string, string>) =>
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: new URL('..', import.meta.url).pathname,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      }).trim();
    const first = run({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    expect(run({ TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' })).toBe(first);
    expect(run({ TZ: 'America/St_Johns', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' })).toBe(first);
  });
});
