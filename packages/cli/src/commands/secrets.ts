import { randomBytes } from 'node:crypto';
import { loadStackFile, planStack, toolBinary } from '@idstack/core';
import { execa } from 'execa';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';
import {
  createCommands,
  describeSecret,
  isCopy,
  type ListedSecret,
  readKeyCommand,
} from './secret-commands.js';

/**
 * `idstack secrets`: every Secret the stack expects, with the command that creates it. With `--create`, creates the
 * missing ones whose keys may all be random, through kubectl (values go straight to the cluster, never to disk).
 */
export async function secretsCommand(options: CommonOptions, io: Io): Promise<number> {
  const plan = planStack(components, loadStackFile(options.config, components));
  const listed: ListedSecret[] = plan.components.flatMap((p) =>
    p.secrets.map((s) => ({
      component: p.component.name,
      ...s,
      namespace: s.namespace ?? p.component.namespace,
    })),
  );
  // Copies (a credential two namespaces hold) after every Secret they are copied from.
  const secrets = [...listed.filter((s) => !isCopy(s)), ...listed.filter(isCopy)];
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
    if (!s.keys.every((k) => k.random || k.copyOf)) {
      io.out.write(`skip ${s.namespace}/${s.name}: it needs values only you have\n`);
      continue;
    }
    const exists = await execa(kubectl, ['-n', s.namespace, 'get', 'secret', s.name], { reject: false });
    if (exists.exitCode === 0) {
      io.out.write(`keep ${s.namespace}/${s.name}: already exists\n`);
      continue;
    }
    const values: [string, string][] = [];
    for (const k of s.keys) {
      if (!k.copyOf) {
        values.push([k.key, randomBytes(32).toString(k.encoding ?? 'hex')]);
        continue;
      }
      const { namespace, name, key } = k.copyOf;
      const read = await execa(
        kubectl,
        ['-n', namespace, 'get', 'secret', name, '-o', `go-template={{index .data "${key}" | base64decode}}`],
        { reject: false },
      );
      if (read.exitCode !== 0 || read.stdout === '') {
        io.out.write(
          `skip ${s.namespace}/${s.name}: it copies ${key} of ${namespace}/${name}, which is not readable yet (${readKeyCommand(k.copyOf)})\n`,
        );
        break;
      }
      values.push([k.key, read.stdout]);
    }
    if (values.length !== s.keys.length) continue;
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
      stringData: Object.fromEntries(values),
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
