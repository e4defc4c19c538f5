import type { IgnoreDifference, Values } from '@idstack/core';

/**
 * Renders what Argo CD would apply for one output tree (a folder holding `charts/` and `cluster/`): the objects of
 * every Application, by Application name. This is the one seam between the diff and how objects are obtained:
 * the offline renderer (the umbrellas' own templates) or the full render (with the pinned upstream charts).
 */
export interface TreeRenderer {
  /** Which render this is; printed with every diff so a reader knows what was compared. */
  readonly mode: 'offline' | 'full';
  /** One sentence: what the render includes and leaves out. */
  readonly description: string;
  /**
   * Called once with both trees before either renders (what they need, fetched at once: the upstream charts each
   * tree pins); may throw what keeps it from rendering. @default nothing to prepare
   */
  readonly prepare?: (roots: readonly string[]) => Promise<void>;
  /** The objects each Application of the tree applies, keyed by Application name; throws {@link RenderError}. */
  readonly render: (root: string) => Promise<ReadonlyMap<string, readonly Values[]>>;
}

/** An Application of a tree, as the diff needs it (cluster/ is read by the diff itself, whatever the renderer). */
export interface ApplicationInfo {
  readonly name: string;
  /** Its `argocd.argoproj.io/sync-wave` annotation. @default "0" */
  readonly wave: string;
  /** `spec.destination.namespace`: where its namespaced objects without a namespace land. */
  readonly namespace: string;
  /** `spec.ignoreDifferences`: fields Argo CD does not compare. */
  readonly ignoreDifferences: readonly IgnoreRule[];
  /** `spec.source` as written. */
  readonly source: Values;
  /** The output file it is declared in, e.g. `cluster/apps/ingress.yaml`. */
  readonly file: string;
}

/** One `ignoreDifferences` entry of an Application: what idstack writes, plus what Argo CD also reads. */
export interface IgnoreRule extends IgnoreDifference {
  readonly managedFieldsManagers?: readonly string[];
}

/** What identifies an object for Argo CD: group, kind, namespace and name (the API version is a field). */
export interface ObjectKey {
  /** API group; "" for the core group. */
  readonly group: string;
  readonly kind: string;
  /** "" for cluster-scoped objects (and namespaced ones that leave it to the Application). */
  readonly namespace: string;
  readonly name: string;
}

/** One field that differs, dyff-style: `spec.template.spec.containers[name=app].image`. */
export interface FieldChange {
  readonly path: string;
  readonly op: 'changed' | 'added' | 'removed';
  /** The base value (absent when added or masked). */
  readonly old?: unknown;
  /** The new value (absent when removed or masked). */
  readonly new?: unknown;
  /** A credential: that it changed is shown, never its value. */
  readonly masked?: true;
}

/** One object that differs, in the Application that applies it now (the base's, when removed). */
export interface ObjectChange extends ObjectKey {
  readonly change: 'added' | 'removed' | 'changed' | 'moved';
  /** `apiVersion` of the object (the new one unless removed). */
  readonly apiVersion: string;
  /** Moved: the Application that applied it before. */
  readonly from?: string;
  /** Its own sync wave changed (base -> head). */
  readonly wave?: { readonly base: string; readonly head: string };
  /** Changed or moved: the fields that differ (empty for a pure move). */
  readonly fields?: readonly FieldChange[];
  /** Added: the new object, with credentials masked. */
  readonly object?: Values;
}

/** How one Application changes. */
export interface ApplicationChange {
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Its sync wave at the base and now (absent on the side that has no such Application). */
  readonly wave: { readonly base?: string; readonly head?: string };
  readonly counts: {
    readonly added: number;
    readonly removed: number;
    readonly changed: number;
    readonly moved: number;
  };
  /** The objects that differ, sorted by kind, namespace and name. */
  readonly objects: readonly ObjectChange[];
}

/** The whole comparison, as every format prints it and `--format json` writes it. */
export interface DiffResult {
  /** The render both sides went through. */
  readonly mode: TreeRenderer['mode'];
  readonly description: string;
  readonly base: { readonly revision: string; readonly commit: string };
  readonly head: string;
  /** Every Application of either side in wave order (unchanged ones too, with status `unchanged`). */
  readonly applications: readonly ApplicationChange[];
  readonly summary: {
    readonly applications: number;
    readonly added: number;
    readonly removed: number;
    readonly changed: number;
    readonly moved: number;
  };
  /** What the comparison could not honour (an ignoreDifferences expression it does not understand, ...). */
  readonly notes: readonly string[];
  /** True when nothing differs. */
  readonly identical: boolean;
}
