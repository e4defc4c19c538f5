import { type Component, TIER_AFTER } from './component.js';
import { ConfigError, type Problem } from './errors.js';

/** A component's place in the sync order. */
export interface Placement {
  readonly component: Component;
  /** Argo CD sync wave of its Application: one more than the latest wave it needs. */
  readonly wave: number;
  /** The enabled components it waits for (its own `needs` plus stack.yaml's extra `needs`). */
  readonly needs: readonly string[];
}

/**
 * Computes sync waves from the `needs` DAG of the enabled components, so that Argo CD (with the Application health
 * check) brings each one up only after everything it needs is healthy. Throws a {@link ConfigError} for a need that
 * names no component, a cycle (with its members), or a tier order violation (platform, then infra, then security and
 * networking: {@link TIER_AFTER}).
 *
 * A need on a disabled component stands for that component's own needs (`disabled`, transitively): ingress needs the
 * CNI, which needs Argo CD, so without the CNI ingress still lands after Argo CD. A need naming nothing known is
 * dropped here (`unknownNeeds` and the config schema report those).
 */
export function computeWaves(
  components: readonly Component[],
  extraNeeds: Readonly<Record<string, readonly string[]>> = {},
  disabled: readonly Component[] = [],
): Placement[] {
  const byName = new Map(components.map((c) => [c.name, c]));
  const disabledByName = new Map(disabled.map((c) => [c.name, c]));
  const problems: Problem[] = [];
  const needsOf = new Map<string, string[]>();
  const ownNeeds = (c: Component) => [...new Set([...c.needs, ...(extraNeeds[c.name] ?? [])])];
  /** Enabled components standing for `name`: itself, or what a disabled one needed. */
  const resolve = (name: string, seen: Set<string>): string[] => {
    if (byName.has(name)) return [name];
    const off = disabledByName.get(name);
    if (!off || seen.has(name)) return [];
    seen.add(name);
    return ownNeeds(off).flatMap((n) => resolve(n, seen));
  };
  for (const c of components) {
    const needs = ownNeeds(c);
    for (const need of needs) {
      if (need === c.name)
        problems.push({ path: `components.${c.name}.needs`, message: `${c.name} cannot need itself` });
    }
    // Itself is dropped after resolving: a disabled need may stand for it too.
    needsOf.set(
      c.name,
      [...new Set(needs.flatMap((n) => resolve(n, new Set())))].filter((n) => n !== c.name),
    );
  }
  if (problems.length) throw new ConfigError(problems);

  /** Where a cycle is reported: at the stack.yaml need that closes it (the key the user edited), if one does. */
  const cycleKey = (cycle: readonly string[]): string => {
    for (let i = 0; i + 1 < cycle.length; i++) {
      const from = cycle[i] as string;
      const extra = extraNeeds[from] ?? [];
      const index = extra.findIndex((n) => resolve(n, new Set()).includes(cycle[i + 1] as string));
      if (index >= 0) return `components.${from}.needs[${index}]`;
    }
    return `components.${cycle[0]}.needs`;
  };

  const waves = new Map<string, number>();
  const visiting: string[] = [];
  const visit = (name: string): number => {
    const known = waves.get(name);
    if (known !== undefined) return known;
    const at = visiting.indexOf(name);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), name];
      throw new ConfigError([
        {
          path: cycleKey(cycle),
          message: `needs form a cycle: ${cycle.join(' -> ')}; remove one of these needs`,
        },
      ]);
    }
    visiting.push(name);
    const needs = needsOf.get(name) ?? [];
    const wave = needs.length === 0 ? 0 : Math.max(...needs.map(visit)) + 1;
    visiting.pop();
    waves.set(name, wave);
    return wave;
  };
  // Sorted by name so that error messages and output never depend on declaration order.
  const sorted = [...components].sort((a, b) => compareNames(a.name, b.name));
  for (const c of sorted) visit(c.name);

  for (const early of sorted) {
    for (const late of sorted) {
      if (!TIER_AFTER[late.tier].includes(early.tier)) continue;
      const waveEarly = waves.get(early.name) as number;
      const waveLate = waves.get(late.name) as number;
      if (waveEarly >= waveLate) {
        problems.push({
          path: `components.${late.name}.needs`,
          message: `${late.name} (${late.tier}, wave ${waveLate}) would not land after ${early.name} (${early.tier}, wave ${waveEarly}); every ${early.tier} component must be healthy before any ${late.tier} one: make ${late.name} need ${early.name} (directly or through another need)`,
        });
      }
    }
  }
  if (problems.length) throw new ConfigError(problems);

  return sorted
    .map((component) => ({
      component,
      wave: waves.get(component.name) as number,
      needs: needsOf.get(component.name) ?? [],
    }))
    .sort((a, b) => a.wave - b.wave || compareNames(a.component.name, b.component.name));
}

/** Checks that every declared need names a known component (enabled or not). */
export function unknownNeeds(all: readonly Component[]): Problem[] {
  const names = new Set(all.map((c) => c.name));
  return all.flatMap((c) =>
    c.needs
      .filter((n) => !names.has(n))
      .map((n) => ({
        path: `component ${c.name} (packages/${c.name})`,
        message: `needs "${n}", which is not a component; known components: ${[...names].sort(compareNames).join(', ')}`,
      })),
  );
}

/** Code-point order: the same on every machine, whatever its locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
