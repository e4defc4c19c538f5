import { isPlainObject, type Values } from '@idstack/core';
import { describeObject } from '../context.js';
import type { CheckContext, Finding, Rule } from '../types.js';

const WAVE = 'argocd.argoproj.io/sync-wave';

/** The DNS names a cert-manager Certificate asks for (`dnsNames`, plus a `commonName`). */
function certificateHosts(object: Values): string[] {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const names = Array.isArray(spec.dnsNames) ? spec.dnsNames.map(String) : [];
  if (typeof spec.commonName === 'string') names.push(spec.commonName);
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

const isCertificate = (o: Values): boolean =>
  o.kind === 'Certificate' && String(o.apiVersion ?? '').startsWith('cert-manager.io/');

/** Each Application's sync wave, as cluster/apps/*.yaml on disk say (Argo CD reads those). */
function applicationWaves(ctx: CheckContext): Map<string, number> {
  const waves = new Map<string, number>();
  for (const { object } of ctx.clusterObjects()) {
    if (object.kind !== 'Application') continue;
    const meta = (isPlainObject(object.metadata) ? object.metadata : {}) as Values;
    const annotations = (isPlainObject(meta.annotations) ? meta.annotations : {}) as Values;
    waves.set(String(meta.name), Number(annotations[WAVE] ?? 0));
  }
  return waves;
}

/**
 * No Application waits on something only a later (or the same) wave provides. Stated for certificates: a component
 * that carries hosts (a tunnel, `carries` in its declaration) is the only way into the cluster for them, so the
 * ACME HTTP-01 challenge of a Certificate for one of them passes only once it runs; Argo CD keeps a Certificate's
 * Application Progressing until it is issued, and the waves after it never start. Every Application holding such a
 * Certificate must therefore sync in a wave after the carrier's.
 *
 * Counted: the cert-manager Certificate objects an Application holds (its own templates). Not counted: the
 * Certificate cert-manager's ingress-shim makes from an Ingress's TLS section: it belongs to the Ingress, not to
 * the Application, and the stack's Ingress health check (packages/argocd) does not wait on it (Argo CD's own Ingress,
 * wave 0, holds one before cert-manager itself exists).
 */
export const certificateOrder: Rule = {
  id: 'certificate-order',
  description:
    'every Application holding a Certificate for a tunnelled host syncs in a wave after the tunnel (HTTP-01 passes through it)',
  async run(ctx) {
    const carriers = ctx.plan.components.filter((p) => p.carries.length > 0);
    if (carriers.length === 0) return [];
    const waves = applicationWaves(ctx);
    const findings: Finding[] = [];
    for (const planned of ctx.plan.components) {
      const holder = planned.component.name;
      const holderWave = waves.get(holder) ?? planned.wave;
      const { objects } = await ctx.ownRender(holder);
      for (const { object, file } of objects.filter((o) => isCertificate(o.object))) {
        for (const carrier of carriers) {
          const name = carrier.component.name;
          if (name === holder) continue;
          const carried = new Set(carrier.carries.map((h) => h.toLowerCase()));
          const hosts = certificateHosts(object).filter((h) => carried.has(h));
          const carrierWave = waves.get(name) ?? carrier.wave;
          if (hosts.length === 0 || holderWave > carrierWave) continue;
          findings.push({
            severity: 'error',
            rule: 'certificate-order',
            chart: holder,
            where: `${file}: ${describeObject(object)}`,
            message: `certificate for ${hosts.join(', ')}, which only ${name} carries into the cluster (its HTTP-01 challenge passes only once ${name} runs), is held by ${holder} in wave ${holderWave}, not after ${name} (wave ${carrierWave}): Argo CD would wait on it forever and never start the later waves`,
            fix: `make ${holder} come after ${name} (\`after\` in its declaration or \`components.${holder}.needs: [${name}]\`) and remove whatever makes ${name} wait for ${holder}, or stop routing ${hosts.join(', ')} through ${name} (components.${name}.routes)`,
          });
        }
      }
    }
    return findings;
  },
};
