import type { Finding, Rule } from '../types.js';

/** The committed output must be exactly what `idstack build` renders from stack.yaml now. */
export const inSync: Rule = {
  id: 'in-sync',
  description: 'charts/ and cluster/ are exactly what `pnpm build` renders from stack.yaml',
  run: ({ output, rendered }) => {
    const found: Finding[] = [];
    const chartOf = (path: string) =>
      path.startsWith('charts/') ? (path.split('/')[1] as string) : 'cluster';
    const add = (path: string, message: string) =>
      found.push({
        severity: 'error',
        rule: 'in-sync',
        chart: chartOf(path),
        where: path,
        message,
        fix: 'run `pnpm build` and commit the result',
      });
    for (const [path, content] of rendered) {
      if (path === 'stack.schema.json') continue;
      const onDisk = output.get(path);
      if (onDisk === undefined) add(path, 'missing (the build renders it)');
      else if (onDisk !== content)
        add(path, 'differs from what the build renders (edited by hand, or stale)');
    }
    for (const path of output.keys())
      if (!rendered.has(path)) add(path, 'not rendered by the build (left over or added by hand)');
    return found;
  },
};
