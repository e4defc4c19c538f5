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
  if (k.copyOf) {
    const variable = valueVariable(secret, k.key);
    return `--from-literal=${k.key}="\${${variable}:?could not read ${k.copyOf.key} of ${k.copyOf.namespace}/${k.copyOf.name}: create that Secret first}"`;
  }
  if (k.random) return `--from-literal=${k.key}="$(openssl rand -${k.encoding ?? 'hex'} 32)"`;
  if (k.file) return `--from-file=${k.key}="${k.file}"`;
  const variable = valueVariable(secret, k.key);
  return `--from-literal=${k.key}="\${${variable}:?set ${variable} to the ${k.key} of ${secret}}"`;
}

/** kubectl reading one key of a Secret in the cluster, decoded (what a copy is made from). */
export function readKeyCommand(from: NonNullable<SecretKey['copyOf']>): string {
  return `kubectl -n ${from.namespace} get secret ${from.name} -o go-template='{{index .data "${from.key}" | base64decode}}'`;
}

/** Is this Secret a copy of other Secrets (created after them)? */
export const isCopy = (s: RequiredSecret): boolean => s.keys.some((k) => k.copyOf);

/** The shell commands creating one Secret (its namespace first, if missing), then the labels its reader needs. */
export function createCommands(s: ListedSecret): string[] {
  const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return [
    // A copied value is read from its source Secret first (the create below stops if it came back empty).
    ...s.keys.flatMap((k) =>
      k.copyOf ? [`${valueVariable(s.name, k.key)}="$(${readKeyCommand(k.copyOf)})"`] : [],
    ),
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
      const from = k.copyOf
        ? ` (copied from ${k.copyOf.namespace}/${k.copyOf.name} key ${k.copyOf.key}, which is created first)`
        : k.random
          ? ' (random is fine)'
          : k.file
            ? ` (from the file ${k.file})`
            : ` (export ${valueVariable(s.name, k.key)} first)`;
      return `#   ${k.key}: ${k.description}${from}`;
    }),
  ];
}
