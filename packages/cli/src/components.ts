import argocd from '@idstack/argocd';
import authentikDb from '@idstack/authentik-db';
import ciliumTetragon from '@idstack/cilium-tetragon';
import cloudflared from '@idstack/cloudflared';
import type { Component } from '@idstack/core';
import ingress from '@idstack/ingress';
import netbird from '@idstack/netbird';
import spire from '@idstack/spire';

/** Every component idstack knows, one workspace package each. Order does not matter: waves come from `needs`. */
export const components: readonly Component[] = [
  argocd,
  ciliumTetragon,
  ingress,
  spire,
  authentikDb,
  netbird,
  cloudflared,
];
