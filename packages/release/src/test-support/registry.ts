import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real OCI registry (Debian's docker-registry, distribution 2.8) on a free loopback port, for tests. */
export interface TestRegistry {
  readonly port: number;
  /** `oci://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A login the registry accepts when started with `auth: true` (htpasswd, bcrypt): a TEST FIXTURE, never a real
 * credential. The hash is of this password (docker-registry reads only bcrypt).
 */
export const TEST_REGISTRY_LOGIN = {
  username: 'idstack-test',
  password: 'idstack-test-password',
  htpasswd: 'idstack-test:$2b$04$zx05If5Arb8Z4ef4vqculOegetM4pMWOph3IkUYOel7p.wLKp6bVS',
} as const;

/**
 * Starts `docker-registry serve` with filesystem storage in a temp dir; `readOnly` makes it refuse every push,
 * `auth` makes it require {@link TEST_REGISTRY_LOGIN}.
 */
export async function startRegistry(
  options: { readonly readOnly?: boolean; readonly auth?: boolean } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'idstack-registry-test-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  if (options.auth) writeFileSync(join(dir, 'htpasswd'), `${TEST_REGISTRY_LOGIN.htpasswd}\n`);
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: error }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(dir, 'data')} }`,
      ...(options.readOnly ? ['  maintenance: { readonly: { enabled: true } }'] : []),
      ...(options.auth
        ? [`auth: { htpasswd: { realm: idstack-test, path: ${join(dir, 'htpasswd')} } }`]
        : []),
      `http: { addr: "127.0.0.1:${port}" }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    try {
      // Up when it answers: 200, or 401 when it requires a login.
      if ([200, 401].includes((await fetch(`http://127.0.0.1:${port}/v2/`)).status)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not come up on ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: `oci://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
