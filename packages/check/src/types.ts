import type { Component, FileMap, Plan, Stack, Values } from '@idstack/core';
import type { RenderMode, StackRender } from './render/render.js';
import type { Upstream } from './upstream.js';

/** One thing `idstack check` found. */
export interface Finding {
  /** Errors fail the check (exit 1); warnings are reported only. */
  readonly severity: 'error' | 'warning';
  /** The rule that found it (stable id, e.g. `upstream-values`). */
  readonly rule: string;
  /** The chart (component name) it concerns, or `cluster` / `stack.yaml`. */
  readonly chart: string;
  /** Where exactly: a file and key path or object. */
  readonly where: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix?: string;
}

/** A Kubernetes object of the output, with the file it comes from. */
export interface K8sObject {
  readonly object: Values;
  /** Output file it was rendered from: `charts/<chart>/templates/x.yaml` or `cluster/apps/x.yaml`. */
  readonly file: string;
  /** The chart (component) it belongs to, or `cluster`. */
  readonly chart: string;
}

/** A chart's own templates, linted and rendered once per check (dependencies stripped). */
export interface OwnRender {
  readonly lint: { readonly exitCode?: number; readonly stdout: string; readonly stderr: string };
  readonly template: { readonly exitCode?: number; readonly stdout: string; readonly stderr: string };
  /** The rendered objects (empty when `helm template` failed). */
  readonly objects: readonly K8sObject[];
}

/** The dependencies listed in a chart's Chart.yaml on disk. */
export interface ChartDependency {
  readonly name: string;
  readonly version: string;
  readonly repository?: string;
  readonly alias?: string;
  readonly condition?: string;
}

/** What every rule sees: the config, the plan, and the output as it is on disk. */
export interface CheckContext {
  readonly root: string;
  readonly components: readonly Component[];
  readonly stack: Stack;
  readonly plan: Plan;
  /** `charts/**` and `cluster/**` as read from disk (what Argo CD will read from git). */
  readonly output: FileMap;
  /** What `idstack build` would write now. */
  readonly rendered: FileMap;
  /** Folder of the pinned upstream data (values, schemas, CRDs), when `IDSTACK_UPSTREAM` names one. */
  readonly upstreamDir: string | undefined;
  /** The pinned upstream data, read once. */
  readonly upstream: Upstream;
  /**
   * `helm lint --strict` + `helm template` of a chart's own templates (lint only in a full render, which renders
   * them with the upstream charts); memoized: each chart renders once.
   */
  readonly ownRender: (chart: string) => Promise<OwnRender>;
  /** `full`: the upstream charts are rendered with the umbrellas (what Argo CD applies); `own`: offline, own templates only. */
  readonly renderMode: RenderMode;
  /**
   * Every Application of cluster/apps rendered as Argo CD renders it (full), or its chart's own templates (own);
   * memoized: the stack renders once per check. The objects every rule judges.
   */
  readonly render: () => Promise<StackRender>;
  /** Every object under cluster/ (Applications, AppProjects, root). */
  readonly clusterObjects: () => readonly K8sObject[];
  /** A chart's values.yaml on disk, parsed (undefined when missing or not a mapping). */
  readonly chartValues: (chart: string) => Values | undefined;
  /** A chart's Chart.yaml dependencies on disk. */
  readonly chartDependencies: (chart: string) => readonly ChartDependency[];
  /** Records what a rule could not verify (missing pinned data, no upstream render), said plainly in the report. */
  readonly notVerified: (what: string) => void;
  /** Everything recorded by {@link notVerified} so far, without repeats, in the order first recorded. */
  readonly unverified: () => readonly string[];
}

/** A check rule: a name, what it proves, and a function returning its findings. */
export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly run: (ctx: CheckContext) => Promise<readonly Finding[]> | readonly Finding[];
}
