import type { RequiredSecret, SecretKey } from '@idstack/core';

/** A Secret as `idstack secrets` lists it: its component and namespace resolved. */
export type ListedSecret = RequiredSecret & { readonly component: string; readonly namespace: string };

/**
 * The environment variable a literal key the operator alone has is read from when the printed command runs:
 * `<SECRET>_<KEY>` in upper snake case (`netbird-authentik` / `serviceAccountPassword` ->
 * `NETBIRD_AUTHENTIK_SERVICE_ACCOUNT_PASSWORD`).
 */
export function valueVariable(secret: string, key: string): string {
  return `${secret}_${key}`
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/**
 * How one key's value reaches kubectl, as a shell word that works as printed: a random value generated on the spot,
 * a file read by kubectl itself, or an environment variable (the shell stops with a message naming it when unset,
 * so no Secret is ever created holding a placeholder).
 */
export function keySource(secret: string, k: SecretKey): string {
  if (k.random) return `--from-literal=${k.key}="$(openssl rand -${k.encoding ?? 'hex'} 32)"`;
  if (k.file) return `--from-file=${k.key}="${k.file}"`;
  const variable = valueVariable(secret, k.key);
  return `--from-literal=${k.key}="\${${variable}:?set ${variable} to the ${k.key} of ${secret}}"`;
}

/** The shell commands creating one Secret (its namespace first, if missing), then the labels its reader needs. */
export function createCommands(s: ListedSecret): string[] {
  const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return [
    `kubectl create namespace ${s.namespace} --dry-run=client -o yaml | kubectl apply -f -`,
    `kubectl -n ${s.namespace} create secret generic ${s.name} ${s.keys.map((k) => keySource(s.name, k)).join(' ')}`,
    ...(labels.length ? [`kubectl -n ${s.namespace} label secret ${s.name} ${labels.join(' ')}`] : []),
  ];
}

/** The comment lines above a Secret's commands: what it is for, and what each key holds and where it comes from. */
export function describeSecret(s: ListedSecret): string[] {
  return [
    `# ${s.component}: ${s.purpose}`,
    ...s.keys.map((k) => {
      const from = k.random
        ? ' (random is fine)'
        : k.file
          ? ` (from the file ${k.file})`
          : ` (export ${valueVariable(s.name, k.key)} first)`;
      return `#   ${k.key}: ${k.description}${from}`;
    }),
  ];
}
