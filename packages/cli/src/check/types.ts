import type { Component, FileMap, Plan, Stack } from '@idstack/core';

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
  /** Folder of the pinned upstream data (values, schemas, CRDs). */
  readonly upstreamDir: string;
}

/** A check rule: a name, what it proves, and a function returning its findings. */
export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly run: (ctx: CheckContext) => Promise<readonly Finding[]> | readonly Finding[];
}
