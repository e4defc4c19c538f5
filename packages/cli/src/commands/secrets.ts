import { randomBytes } from 'node:crypto';
import { loadStackFile, planStack, toolBinary } from '@idstack/core';
import { execa } from 'execa';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';
import { createCommands, describeSecret, type ListedSecret } from './secret-commands.js';

/**
 * `idstack secrets`: every Secret the stack expects, with the command that creates it. With `--create`, creates the
 * missing ones whose keys may all be random, through kubectl (values go straight to the cluster, never to disk).
 */
export async function secretsCommand(options: CommonOptions, io: Io): Promise<number> {
  const plan = planStack(components, loadStackFile(options.config, components));
  const secrets: ListedSecret[] = plan.components.flatMap((p) =>
    p.secrets.map((s) => ({
      component: p.component.name,
      ...s,
      namespace: s.namespace ?? p.component.namespace,
    })),
  );
  if (options.json) {
    io.out.write(`${JSON.stringify(secrets, null, 2)}\n`);
    return 0;
  }
  if (secrets.length === 0) io.out.write('No Secrets to create for this stack.\n');
  for (const s of secrets) {
    io.out.write(`\n${[...describeSecret(s), ...createCommands(s)].join('\n')}\n`);
  }
  if (!options.create) return 0;
  const kubectl = await toolBinary('kubectl');
  for (const s of secrets) {
    if (!s.keys.every((k) => k.random)) {
      io.out.write(`skip ${s.namespace}/${s.name}: it needs values only you have\n`);
      continue;
    }
    const exists = await execa(kubectl, ['-n', s.namespace, 'get', 'secret', s.name], { reject: false });
    if (exists.exitCode === 0) {
      io.out.write(`keep ${s.namespace}/${s.name}: already exists\n`);
      continue;
    }
    // Through stdin, never argv (visible in ps) nor a file: the values only ever reach the API server.
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: s.name,
        namespace: s.namespace,
        labels: { ...s.labels, 'app.kubernetes.io/managed-by': 'idstack-secrets' },
      },
      type: 'Opaque',
      stringData: Object.fromEntries(
        s.keys.map((k) => [k.key, randomBytes(32).toString(k.encoding ?? 'hex')]),
      ),
    };
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.namespace } };
    const created = await execa(kubectl, ['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [namespace, secret] }),
      reject: false,
    });
    if (created.exitCode !== 0) {
      io.err.write(`idstack secrets: could not create ${s.namespace}/${s.name}: ${created.stderr}\n`);
      return 1;
    }
    io.out.write(`created ${s.namespace}/${s.name}\n`);
  }
  return 0;
}
