import argocd from '@idstack/argocd';
import type { Component } from '@idstack/core';

/** Every component idstack knows, one workspace package each. Order does not matter: waves come from `needs`. */
export const components: readonly Component[] = [argocd];
