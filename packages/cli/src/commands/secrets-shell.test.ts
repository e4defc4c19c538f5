import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempRoot } from '../test-support.js';
import { keySource, valueVariable } from './secret-commands.js';

const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
const CREDENTIALS =
  '{"AccountTag":"abc","TunnelID":"6ff42ae2-765d-4adf-8112-31c55c1551ef","TunnelSecret":"c2VjcmV0"}';

/**
 * A stand-in kubectl on PATH (there is no cluster here): it records each call's argv and, like kubectl, reads the
 * value of every `--from-file=key=path` from the file itself and of every `--from-literal=key=value` from the word.
 * What it records is what the API server would have stored.
 */
function stubKubectl(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'kubectl'),
    `#!/bin/sh
log="${dir}/calls"
echo "ARGS $*" >> "$log"
if [ "$1" = "apply" ]; then cat > /dev/null; exit 0; fi
# Reading a Secret's key (a copy's source): the cluster answers with its value.
if [ "$3" = "get" ]; then printf 'value-of-%s' "$5"; exit 0; fi
for arg in "$@"; do
  case "$arg" in
    --from-file=*) spec="\${arg#--from-file=}"; printf 'VALUE %s=' "\${spec%%=*}" >> "$log"; cat "\${spec#*=}" >> "$log" || exit 1; echo >> "$log" ;;
    --from-literal=*) echo "VALUE \${arg#--from-literal=}" >> "$log" ;;
  esac
done
exit 0
`,
  );
  chmodSync(join(bin, 'kubectl'), 0o755);
  return bin;
}

/** Runs the printed output in a real shell, as a user pasting it would (each command on its own). */
function paste(script: string, env: Record<string, string>): { status: number; stderr: string } {
  try {
    execFileSync('sh', ['-c', script], { env: { ...process.env, ...env }, stdio: 'pipe' });
    return { status: 0, stderr: '' };
  } catch (error) {
    const e = error as { status: number; stderr: Buffer };
    return { status: e.status, stderr: String(e.stderr) };
  }
}

describe('idstack secrets: the printed commands work as printed', () => {
  it('creates the tunnel credentials from the file and every other Secret from random or exported values', async () => {
    const root = tempRoot(`components:\n  cloudflared:\n    tunnelId: ${TUNNEL_ID}\n`);
    const { code, out, err } = await run(['secrets', '--root', root]);
    expect(code, err).toBe(0);
    expect(out).toContain(`--from-file=credentials.json="$HOME/.cloudflared/${TUNNEL_ID}.json"`);
    expect(out).not.toMatch(/'<[^>]+>'/);

    const home = join(root, 'home');
    mkdirSync(join(home, '.cloudflared'), { recursive: true });
    writeFileSync(join(home, '.cloudflared', `${TUNNEL_ID}.json`), CREDENTIALS);
    const bin = stubKubectl(root);
    const { status, stderr } = paste(out, {
      HOME: home,
      PATH: `${bin}:${process.env.PATH}`,
      CLOUDFLARE_API_TOKEN_API_TOKEN: 'cf-token-1',
    });
    expect(status, stderr).toBe(0);
    const calls = readFileSync(join(root, 'calls'), 'utf8');
    expect(calls).toContain(
      'ARGS -n cloudflared create secret generic cloudflared-credentials --from-file=credentials.json=',
    );
    expect(calls).toContain(`VALUE credentials.json=${CREDENTIALS}\n`);
    // Netbird's app password is random; Authentik's copy reads it back from the cluster (the blueprint's !Env).
    expect(calls).toMatch(
      /ARGS -n netbird create secret generic netbird-authentik --from-literal=serviceAccountPassword=[0-9a-f]{64}\n/,
    );
    expect(calls).toContain(
      'ARGS -n netbird get secret netbird-authentik -o go-template={{index .data "serviceAccountPassword" | base64decode}}',
    );
    expect(calls).toContain(
      'ARGS -n authentik create secret generic netbird-netbird-authentik --from-literal=serviceAccountPassword=value-of-netbird-authentik\n',
    );
    expect(calls).toContain('VALUE apiToken=cf-token-1\n');
    // Netbird's datastore key: 32 random bytes, base64 (what management accepts as an AES-256 key).
    const key = /VALUE datastoreEncryptionKey=(\S+)/.exec(calls)?.[1] ?? '';
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(calls).toMatch(/VALUE authSecret=[0-9a-f]{64}\n/);
  });

  it('stops with the variable to set, instead of creating a Secret holding a placeholder', async () => {
    const root = tempRoot('');
    const { out } = await run(['secrets', '--root', root]);
    const line = out
      .split('\n')
      .find((l) => l.includes('create secret generic cloudflare-api-token')) as string;
    const bin = stubKubectl(root);
    const { status, stderr } = paste(line, { PATH: `${bin}:${process.env.PATH}` });
    expect(status).not.toBe(0);
    expect(stderr).toContain('set CLOUDFLARE_API_TOKEN_API_TOKEN to the apiToken');
    expect(() => readFileSync(join(root, 'calls'), 'utf8')).toThrow();
  });

  it("stops, naming the source, when a copy's source Secret cannot be read (instead of copying an empty value)", async () => {
    const root = tempRoot('');
    const { out } = await run(['secrets', '--root', root]);
    const line = out
      .split('\n')
      .find((l) => l.includes('create secret generic netbird-netbird-authentik')) as string;
    const { status, stderr } = paste(line, { PATH: process.env.PATH ?? '' });
    expect(status).not.toBe(0);
    expect(stderr).toContain(
      'could not read serviceAccountPassword of netbird/netbird-authentik: create that Secret first',
    );
  });

  it('names the variables after the Secret and key', () => {
    expect(valueVariable('netbird-authentik', 'serviceAccountPassword')).toBe(
      'NETBIRD_AUTHENTIK_SERVICE_ACCOUNT_PASSWORD',
    );
    expect(keySource('s', { key: 'k', description: '', file: '/tmp/x y' })).toBe('--from-file=k="/tmp/x y"');
  });
});
