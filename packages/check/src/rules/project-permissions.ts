import { IN_CLUSTER, isPlainObject, type Values } from '@idstack/core';
import { describeObject } from '../context.js';
import { isNamespaced, knownCrds, splitApiVersion } from '../crds.js';
import type { Finding, K8sObject, Rule } from '../types.js';

/** A `group`/`kind` pattern of an AppProject's resource white- or blacklist (cluster lists may also name objects). */
interface GroupKind {
  readonly group: string;
  readonly kind: string;
  /** Cluster lists only: a pattern of the object's name; empty for every object of the kind. */
  readonly name: string;
}

/** One entry of an AppProject's `destinations`; an absent field is '' (which matches nothing). */
interface Destination {
  readonly server: string;
  readonly name: string;
  readonly namespace: string;
}

/** An AppProject as Argo CD enforces it on a sync. */
interface Project {
  readonly name: string;
  readonly file: string;
  readonly destinations: readonly Destination[];
  readonly clusterWhitelist: readonly GroupKind[];
  readonly clusterBlacklist: readonly GroupKind[];
  readonly namespacedWhitelist?: readonly GroupKind[];
  readonly namespacedBlacklist: readonly GroupKind[];
}

/**
 * The cluster every idstack Application deploys to, as Argo CD resolves its destination: the in-cluster cluster,
 * known by its server URL and by its name (Argo CD's KubernetesInClusterName).
 */
const DESTINATION_CLUSTER = { server: IN_CLUSTER, name: 'in-cluster' } as const;

/** Argo CD's glob match (`*` any run, `?` one character) of a project pattern. */
function glob(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

const isDeny = (pattern: string) => pattern.startsWith('!');

/** Argo CD's globMatch with negation: a `!pattern` matches every value the pattern does not. */
const matches = (pattern: string, value: string) =>
  isDeny(pattern) ? !glob(pattern.slice(1), value) : glob(pattern, value);

/**
 * Is `namespace` on the in-cluster cluster a permitted destination, as Argo CD (v3 isDestinationMatched) decides:
 * some entry matches it (server or name, and namespace), and no deny entry excludes it. An entry excludes it when
 * its `!server` (or `!name`) pattern fails while its namespace matches, or its `!namespace` pattern fails while its
 * server matches. A lone `!kube-system` entry therefore permits every other namespace.
 */
function permitsDestination(project: Project, namespace: string): boolean {
  let permitted = false;
  for (const d of project.destinations) {
    const byName = matches(d.name, DESTINATION_CLUSTER.name);
    const byServer = matches(d.server, DESTINATION_CLUSTER.server);
    const inNamespace = matches(d.namespace, namespace);
    if ((byServer || byName) && inNamespace) permitted = true;
    else if ((!byName && isDeny(d.name)) || (!byServer && isDeny(d.server) && inNamespace)) return false;
    else if (!inNamespace && isDeny(d.namespace) && byServer) return false;
  }
  return permitted;
}

/** Is the object in the list (a cluster list's entry with a `name` pattern holds only the objects it matches). */
const listed = (list: readonly GroupKind[], group: string, kind: string, name: string) =>
  list.some((gk) => glob(gk.group, group) && glob(gk.kind, kind) && (gk.name === '' || glob(gk.name, name)));

function readProject(o: K8sObject): Project {
  const spec = (isPlainObject(o.object.spec) ? o.object.spec : {}) as Values;
  // Only cluster lists take a `name` (ClusterResourceRestrictionItem); namespaced entries are plain GroupKinds.
  const kinds = (v: unknown, named = false): GroupKind[] =>
    (Array.isArray(v) ? v : []).filter(isPlainObject).map((gk) => ({
      group: String(gk.group ?? ''),
      kind: String(gk.kind ?? ''),
      name: named ? String(gk.name ?? '') : '',
    }));
  return {
    name: String((o.object.metadata as Values)?.name),
    file: o.file,
    destinations: (Array.isArray(spec.destinations) ? spec.destinations : [])
      .filter(isPlainObject)
      .map((d) => ({
        server: String(d.server ?? ''),
        name: String(d.name ?? ''),
        namespace: String(d.namespace ?? ''),
      })),
    clusterWhitelist: kinds(spec.clusterResourceWhitelist, true),
    clusterBlacklist: kinds(spec.clusterResourceBlacklist, true),
    ...(spec.namespaceResourceWhitelist !== undefined
      ? { namespacedWhitelist: kinds(spec.namespaceResourceWhitelist) }
      : {}),
    namespacedBlacklist: kinds(spec.namespaceResourceBlacklist),
  };
}

const some = (objects: readonly K8sObject[]) =>
  `${objects
    .slice(0, 6)
    .map((o) => describeObject(o.object))
    .join(', ')}${objects.length > 6 ? ` and ${objects.length - 6} more` : ''}`;

/**
 * Argo CD refuses a whole sync when one object is not permitted by the Application's AppProject. Every rendered
 * object is judged as Argo CD judges it: a namespaced object's namespace (its own, else the Application's) must be
 * a permitted destination, its kind in the namespaced whitelist; a cluster-scoped kind must be in the cluster
 * whitelist. With the upstream charts rendered, the project must also permit nothing more than that: every
 * namespace it lists is one something renders into.
 */
export const projectPermissions: Rule = {
  id: 'project-permissions',
  description:
    "every rendered object is permitted by its Application's AppProject (namespace, kind), and the project permits no namespace nothing renders into",
  run: async (ctx) => {
    const found: Finding[] = [];
    const projects = new Map(
      ctx
        .clusterObjects()
        .filter((o) => o.object.kind === 'AppProject' && o.file.startsWith('cluster/apps/'))
        .map((o) => [String((o.object.metadata as Values)?.name), readProject(o)] as const),
    );
    const crds = await knownCrds(ctx);
    const render = await ctx.render();
    const used = new Map<string, Set<string>>();
    for (const app of render.applications) {
      const { application } = app;
      const project = projects.get(application.project);
      if (!project) continue; // sync-order reports an Application whose project is not in cluster/apps
      const uses = used.get(project.name) ?? new Set<string>();
      used.set(project.name, uses);
      uses.add(application.namespace);
      const byNamespace = new Map<string, K8sObject[]>();
      if (!permitsDestination(project, application.namespace)) byNamespace.set(application.namespace, []);
      for (const o of app.objects) {
        const { group } = splitApiVersion(o.object.apiVersion);
        const kind = String(o.object.kind);
        const name = String((o.object.metadata as Values)?.name ?? '');
        if (isNamespaced(o.object, crds)) {
          const ns = String((o.object.metadata as Values)?.namespace ?? application.namespace);
          uses.add(ns);
          if (!permitsDestination(project, ns)) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), o]);
          const allowed =
            (project.namespacedWhitelist === undefined ||
              listed(project.namespacedWhitelist, group, kind, name)) &&
            !listed(project.namespacedBlacklist, group, kind, name);
          if (!allowed)
            found.push({
              severity: 'error',
              rule: 'project-permissions',
              chart: application.chart,
              where: `${o.file}: ${describeObject(o.object)}`,
              message: `AppProject "${project.name}" does not permit the namespaced kind ${group || 'core'}/${kind}: Argo CD refuses the whole ${application.name} sync`,
              fix: `permit ${group || 'core'}/${kind} in the namespaceResourceWhitelist of ${project.file}`,
            });
        } else if (
          !listed(project.clusterWhitelist, group, kind, name) ||
          listed(project.clusterBlacklist, group, kind, name)
        ) {
          found.push({
            severity: 'error',
            rule: 'project-permissions',
            chart: application.chart,
            where: `${o.file}: ${describeObject(o.object)}`,
            message: `AppProject "${project.name}" does not permit the cluster-scoped kind ${group || 'core'}/${kind}: Argo CD refuses the whole ${application.name} sync`,
            fix: `permit ${group || 'core'}/${kind} in the clusterResourceWhitelist of ${project.file}`,
          });
        }
      }
      for (const [ns, objects] of byNamespace) {
        const what = objects.length
          ? `${application.name} renders ${objects.length} object(s) into namespace "${ns}" (${some(objects)})`
          : `${application.name} deploys into namespace "${ns}" (${application.file}: spec.destination.namespace)`;
        found.push({
          severity: 'error',
          rule: 'project-permissions',
          chart: application.chart,
          where: objects[0] ? `${objects[0].file}: ${describeObject(objects[0].object)}` : application.file,
          message: `${what}, which AppProject "${project.name}" (${project.file}) does not permit: Argo CD refuses the whole ${application.name} sync ("namespace ${ns} is not permitted in project '${project.name}'") and every later wave waits`,
          fix: `declare "${ns}" in the ${application.chart} component (otherNamespaces) so the AppProject permits it, or keep the chart out of that namespace (its values)`,
        });
      }
    }
    if (render.mode !== 'full') {
      ctx.notVerified(
        "project-permissions: objects of the upstream charts (offline: only the umbrellas' own templates were judged), and that the AppProject permits no namespace nothing renders into",
      );
      return found;
    }
    for (const [name, uses] of used) {
      const project = projects.get(name) as Project;
      for (const d of project.destinations) {
        if (/[*?!]/.test(d.namespace) || uses.has(d.namespace)) continue;
        found.push({
          severity: 'error',
          rule: 'project-permissions',
          chart: 'cluster',
          where: `${project.file}: spec.destinations`,
          message: `AppProject "${name}" permits namespace "${d.namespace}", but no Application of the project renders anything into it: a destination nothing needs`,
          fix: `drop "${d.namespace}" from the components' namespaces (otherNamespaces / externalNamespaces), then run \`pnpm build\``,
        });
      }
    }
    return found;
  },
};
