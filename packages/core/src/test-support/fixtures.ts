import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Component, Tier } from '../component.js';
import { ConfigError } from '../errors.js';

/** A throwaway component for core's own tests: a package folder with a version and one template. */
export function fakeComponent(
  name: string,
  tier: Tier,
  needs: string[] = [],
  extra: Partial<Component> = {},
): Component {
  const packageDir = mkdtempSync(join(tmpdir(), `idstack-fake-${name}-`));
  writeFileSync(
    join(packageDir, 'package.json'),
    JSON.stringify({ name: `@test/${name}`, version: '1.2.3' }),
  );
  mkdirSync(join(packageDir, 'chart', 'templates'), { recursive: true });
  writeFileSync(
    join(packageDir, 'chart', 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-info\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  );
  return {
    name,
    description: `fake ${name}`,
    tier,
    namespace: name,
    needs,
    charts: [{ name: 'upstream', repository: 'https://charts.example.org', version: '1.0.0' }],
    options: z.object({ greeting: z.string().default('hello').describe('Greeting. Default: hello.') }),
    knobs: z.object({ greeting: z.string().describe('What the ConfigMap says.') }),
    values: (ctx) => ({ upstream: { replicas: 1 }, greeting: ctx.options.greeting }),
    packageDir,
    ...extra,
  } as Component;
}

/** The ConfigError `fn` throws (any other error is rethrown; no error at all fails the test). */
export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
