import { type Values, WAVE_ANNOTATION } from '@idstack/core';
import { diffValues, formatPath, type RawChange } from './fields.js';
import { isSecret, isSensitive, maskValue } from './mask.js';
import { normalize } from './normalize.js';
import { scopeResolver } from './scope.js';
import { BOOTSTRAP, keyOf, keyString, record } from './tree.js';
import type { ApplicationChange, ApplicationInfo, DiffResult, FieldChange, ObjectChange } from './types.js';

/** One side of the comparison: its Applications (from cluster/) and what each applies (from the renderer). */
export interface Side {
  readonly applications: ReadonlyMap<string, ApplicationInfo>;
  readonly objects: ReadonlyMap<string, readonly Values[]>;
}

type Scope = ReturnType<typeof scopeResolver>;

/** Where a side's object is: the Application applying it and the object as Argo CD compares it. */
interface Placed {
  readonly app: string;
  readonly object: Values;
}

/** Compares two rendered sides object by object; everything but the comparison itself comes in `about`. */
export function compareSides(
  base: Side,
  head: Side,
  about: Pick<DiffResult, 'mode' | 'description' | 'base' | 'head'>,
): DiffResult {
  const notes = new Set<string>();
  const scope = scopeResolver([...base.objects.values(), ...head.objects.values()]);
  const baseIndex = index(base, scope, notes);
  const headIndex = index(head, scope, notes);
  const byApp = new Map<string, ObjectChange[]>();
  const add = (app: string, change: ObjectChange) => byApp.set(app, [...(byApp.get(app) ?? []), change]);

  for (const key of new Set([...baseIndex.keys(), ...headIndex.keys()])) {
    const before = baseIndex.get(key);
    const after = headIndex.get(key);
    if (after && !before) {
      const inSecret = isSecret(after.object);
      add(after.app, {
        ...describe(after.object),
        change: 'added',
        object: maskValue(after.object, [], inSecret) as Values,
      });
    } else if (before && !after) {
      add(before.app, { ...describe(before.object), change: 'removed' });
    } else if (before && after) {
      const fields = diffValues(before.object, after.object).map((c) =>
        masked(c, isSecret(after.object) || isSecret(before.object)),
      );
      const moved = before.app !== after.app;
      if (!moved && fields.length === 0) continue;
      const waves = { base: waveOf(before.object), head: waveOf(after.object) };
      add(after.app, {
        ...describe(after.object),
        change: moved ? 'moved' : 'changed',
        ...(moved ? { from: before.app } : {}),
        ...(waves.base !== waves.head ? { wave: waves } : {}),
        fields,
      });
    }
  }

  const names = new Set([
    ...base.objects.keys(),
    ...base.applications.keys(),
    ...head.objects.keys(),
    ...head.applications.keys(),
  ]);
  const applications = [...names].map((name): ApplicationChange => {
    const inBase = base.applications.has(name) || base.objects.has(name);
    const inHead = head.applications.has(name) || head.objects.has(name);
    const objects = (byApp.get(name) ?? []).sort(byKey);
    const wave = {
      ...(inBase && name !== BOOTSTRAP ? { base: base.applications.get(name)?.wave ?? '0' } : {}),
      ...(inHead && name !== BOOTSTRAP ? { head: head.applications.get(name)?.wave ?? '0' } : {}),
    };
    const count = (change: ObjectChange['change']) => objects.filter((o) => o.change === change).length;
    const status = !inBase
      ? 'added'
      : !inHead
        ? 'removed'
        : objects.length || wave.base !== wave.head
          ? 'changed'
          : 'unchanged';
    return {
      name,
      status,
      wave,
      counts: {
        added: count('added'),
        removed: count('removed'),
        changed: count('changed'),
        moved: count('moved'),
      },
      objects,
    };
  });
  applications.sort(byWave);

  const total = (k: keyof ApplicationChange['counts']) => applications.reduce((n, a) => n + a.counts[k], 0);
  const changedApps = applications.filter((a) => a.status !== 'unchanged').length;
  return {
    ...about,
    applications,
    summary: {
      applications: changedApps,
      added: total('added'),
      removed: total('removed'),
      changed: total('changed'),
      moved: total('moved'),
    },
    notes: [...notes].sort(),
    identical: changedApps === 0,
  };
}

/** Every object of a side by its key, normalized the way its Application compares it. */
function index(side: Side, scope: Scope, notes: Set<string>): Map<string, Placed> {
  const out = new Map<string, Placed>();
  for (const [app, objects] of side.objects) {
    const info = side.applications.get(app);
    for (const rule of info?.ignoreDifferences ?? []) {
      if (rule.managedFieldsManagers?.length) {
        notes.add(
          `Application ${app}: ignoreDifferences.managedFieldsManagers needs the live cluster; those fields are compared`,
        );
      }
    }
    for (const raw of objects) {
      const object = normalize(raw, info?.ignoreDifferences ?? [], info?.namespace ?? '', (expression) =>
        notes.add(
          `Application ${app}: ignoreDifferences jqPathExpression \`${expression}\` is more than a plain path; the fields it selects are compared`,
        ),
      );
      const key = keyOf(object);
      // Argo CD puts a namespaced object that names no namespace into the Application's destination namespace.
      if (!key.namespace && info?.namespace && scope(key.group, key.kind) === 'Namespaced') {
        object.metadata = { ...record(object.metadata), namespace: info.namespace };
      }
      // The first Application to claim an object keeps it (Argo CD reports the second as a shared resource).
      const id = keyString(keyOf(object));
      if (!out.has(id)) out.set(id, { app, object });
    }
  }
  return out;
}

function masked(change: RawChange, inSecret: boolean): FieldChange {
  const path = formatPath(change.path);
  if (isSensitive(change.path, inSecret)) return { path, op: change.op, masked: true };
  return {
    path,
    op: change.op,
    ...('old' in change ? { old: maskValue(change.old, change.path, inSecret) } : {}),
    ...('new' in change ? { new: maskValue(change.new, change.path, inSecret) } : {}),
  };
}

function describe(object: Values): Omit<ObjectChange, 'change'> {
  return { ...keyOf(object), apiVersion: String(object.apiVersion ?? '') };
}

function waveOf(object: Values): string {
  return String(record(record(object.metadata).annotations)[WAVE_ANNOTATION] ?? '0');
}

/** Code-point order: the same in every locale. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const byKey = (a: ObjectChange, b: ObjectChange) =>
  cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.group, b.group);

/** The bootstrap objects first, then Applications by wave (now, else at the base), then by name. */
function byWave(a: ApplicationChange, b: ApplicationChange): number {
  const rank = (x: ApplicationChange) =>
    x.name === BOOTSTRAP ? -1e9 : Number(x.wave.head ?? x.wave.base ?? 0) || 0;
  return rank(a) - rank(b) || cmp(a.name, b.name);
}
