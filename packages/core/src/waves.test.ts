import { describe, expect, it } from 'vitest';
import { configErrorOf, fakeComponent } from './test-support/fixtures.js';
import { computeWaves, unknownNeeds } from './waves.js';

const message = (fn: () => unknown): string => configErrorOf(fn).message;

describe('sync waves from the needs DAG', () => {
  const platform = fakeComponent('platform', 'platform');
  const cni = fakeComponent('cni', 'infra', ['platform']);
  const ingress = fakeComponent('ingress', 'infra', ['cni']);
  const identity = fakeComponent('identity', 'infra', ['cni']);
  const sso = fakeComponent('sso', 'security', ['ingress', 'identity']);
  const vpn = fakeComponent('vpn', 'networking', ['sso']);

  it('puts each component one wave after the latest thing it needs', () => {
    const waves = computeWaves([vpn, sso, identity, ingress, cni, platform]);
    expect(waves.map((p) => [p.component.name, p.wave])).toEqual([
      ['platform', 0],
      ['cni', 1],
      ['identity', 2],
      ['ingress', 2],
      ['sso', 3],
      ['vpn', 4],
    ]);
  });

  it('does not depend on declaration order', () => {
    const a = computeWaves([platform, cni, ingress, identity, sso, vpn]);
    const b = computeWaves([sso, vpn, platform, identity, cni, ingress]);
    expect(a.map((p) => `${p.component.name}:${p.wave}`)).toEqual(
      b.map((p) => `${p.component.name}:${p.wave}`),
    );
  });

  it('adds the extra needs from stack.yaml', () => {
    const waves = computeWaves([platform, cni, ingress, identity], { identity: ['ingress'] });
    expect(waves.find((p) => p.component.name === 'identity')?.wave).toBe(3);
  });

  it('drops needs on disabled components', () => {
    const waves = computeWaves([platform, cni, ingress, sso, vpn]);
    expect(waves.find((p) => p.component.name === 'sso')).toMatchObject({ wave: 3, needs: ['ingress'] });
  });

  it('lets a need on a disabled component stand for what that component needed', () => {
    // Without the CNI, ingress and identity still land after the platform (and so the tier order holds).
    const waves = computeWaves([platform, ingress, identity, sso, vpn], {}, [cni]);
    expect(waves.map((p) => [p.component.name, p.wave, p.needs])).toEqual([
      ['platform', 0, []],
      ['identity', 1, ['platform']],
      ['ingress', 1, ['platform']],
      ['sso', 2, ['ingress', 'identity']],
      ['vpn', 3, ['sso']],
    ]);
  });

  it('follows disabled components more than one level deep', () => {
    // ingress needs mid, mid needs cni, cni needs platform: with mid and cni both off, ingress waits for platform.
    const mid = fakeComponent('mid', 'infra', ['cni']);
    const deepIngress = fakeComponent('ingress', 'infra', ['mid']);
    const waves = computeWaves([platform, deepIngress], {}, [cni, mid]);
    expect(waves.map((p) => [p.component.name, p.wave, p.needs])).toEqual([
      ['platform', 0, []],
      ['ingress', 1, ['platform']],
    ]);
  });

  it("takes a disabled component's extra needs from stack.yaml into what it stands for", () => {
    // cni is off, but stack.yaml gave it an extra need on identity: ingress inherits it through cni.
    const waves = computeWaves([platform, identity, ingress], { cni: ['identity'] }, [cni]);
    expect(waves.find((p) => p.component.name === 'ingress')).toMatchObject({
      wave: 2,
      needs: ['platform', 'identity'],
    });
  });

  it('reports a cycle with its members', () => {
    const a = fakeComponent('a', 'infra', ['c']);
    const b = fakeComponent('b', 'infra', ['a']);
    const c = fakeComponent('c', 'infra', ['b']);
    expect(message(() => computeWaves([a, b, c]))).toContain('needs form a cycle: a -> c -> b -> a');
  });

  it('refuses a component needing itself', () => {
    expect(message(() => computeWaves([fakeComponent('a', 'infra', ['a'])]))).toContain(
      'a cannot need itself',
    );
  });

  it('fails when a security component could land with or before an infra one', () => {
    // sso needs only ingress, so it would share wave 2 with identity (infra).
    const looseSso = fakeComponent('sso', 'security', ['cni']);
    const text = message(() => computeWaves([platform, cni, ingress, identity, looseSso]));
    expect(text).toContain(
      'components.sso.needs: sso (security, wave 2) would not land after identity (infra, wave 2)',
    );
    expect(text).toContain('make sso need identity');
  });

  it('lets networking land before security (the tunnel carries the certificates security waits on)', () => {
    const tunnel = fakeComponent('tunnel', 'networking', ['ingress']);
    const lateSso = fakeComponent('sso', 'security', ['ingress', 'identity', 'tunnel']);
    const waves = computeWaves([platform, cni, ingress, identity, lateSso, tunnel]);
    expect(waves.map((p) => [p.component.name, p.wave])).toEqual([
      ['platform', 0],
      ['cni', 1],
      ['identity', 2],
      ['ingress', 2],
      ['tunnel', 3],
      ['sso', 4],
    ]);
  });

  it('fails when networking could land with or before an infra one', () => {
    const earlyVpn = fakeComponent('vpn', 'networking', ['cni']);
    expect(message(() => computeWaves([platform, cni, ingress, identity, earlyVpn]))).toContain(
      'vpn (networking, wave 2) would not land after identity (infra, wave 2)',
    );
  });

  it('names declared needs that are not components', () => {
    expect(unknownNeeds([fakeComponent('a', 'infra', ['ghost'])])).toEqual([
      {
        path: 'component a (packages/a)',
        message: 'needs "ghost", which is not a component; known components: a',
      },
    ]);
  });
});
