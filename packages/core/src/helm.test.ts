import { describe, expect, it } from 'vitest';
import { createLimiter, HELM_JOBS, helm } from './helm.js';

/** A task that stays running until released, recording how many tasks run at the same time. */
function gate(counter: { now: number; most: number }) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const task = async () => {
    counter.now++;
    counter.most = Math.max(counter.most, counter.now);
    await released;
    counter.now--;
    return 'done';
  };
  return { task, release };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createLimiter (how many helm processes run at once)', () => {
  it('runs at most `slots` tasks at once and starts the waiting ones in order of arrival', async () => {
    const limit = createLimiter(2);
    const counter = { now: 0, most: 0 };
    const gates = Array.from({ length: 5 }, () => gate(counter));
    const started: number[] = [];
    const results = gates.map((g, i) =>
      limit(() => {
        started.push(i);
        return g.task();
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1]?.release();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.release();
    expect(await Promise.all(results)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(counter.most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('helm crashed')))).rejects.toThrow('helm crashed');
    expect(await limit(async () => 'next')).toBe('next');
  });

  it('uses one slot per core', () => {
    expect(HELM_JOBS).toBeGreaterThanOrEqual(1);
  });
});

describe('helm (one process, output collected)', () => {
  it('returns the exit code and the output without its final newline', async () => {
    const ok = await helm(['version', '--short']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^v\d+\.\d+\.\d+\S*$/);
    const bad = await helm(['template', '/nonexistent/chart']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^Error: .*\/nonexistent\/chart.*[^\n]$/s);
  });

  it('reports a helm that cannot be started as exit code 127, saying why', async () => {
    const saved = process.env.IDSTACK_HELM;
    process.env.IDSTACK_HELM = '/nonexistent/helm';
    try {
      const result = await helm(['version']);
      expect(result.exitCode).toBe(127);
      expect(result.stderr).toContain('cannot run /nonexistent/helm');
    } finally {
      if (saved === undefined) delete process.env.IDSTACK_HELM;
      else process.env.IDSTACK_HELM = saved;
    }
  });
});
