import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RuleContextInput, ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import { imageProblem } from './images.js';

const NONE = (image: string) =>
  `image "${image}" has neither a tag nor a digest: every node pulls whatever \`latest\` is that day`;
const LATEST = (image: string) =>
  `image "${image}" is on \`latest\` without a digest: what runs changes under the same manifest`;

describe('imageProblem', () => {
  it.each([
    [undefined, 'has no image'],
    [5, 'has no image'],
    ['', 'has no image'],
    ['   ', 'has no image'],
    ['nginx', NONE('nginx')],
    ['nginx:', NONE('nginx:')],
    ['registry.example.org:5000/nginx', NONE('registry.example.org:5000/nginx')],
    ['nginx:latest', LATEST('nginx:latest')],
    ['ghcr.io/a/b:latest', LATEST('ghcr.io/a/b:latest')],
    ['nginx:1.25', undefined],
    ['registry.example.org:5000/nginx:1.0', undefined],
    ['nginx@sha256:abc', undefined],
    ['nginx:latest@sha256:abc', undefined],
    ['nginx:1.25@', undefined],
    ['nginx@', NONE('nginx@')],
  ])('%j: %s', (image, problem) => {
    expect(imageProblem(image)).toBe(problem);
  });
});

const app = throwawayComponent('app', {});
async function check(objects: Record<string, unknown>[], input: Partial<RuleContextInput> = {}) {
  const ctx = ruleContext({
    components: [app],
    objects: { app: { 'templates/x.yaml': objects.map((o) => stringify(o)).join('---\n') } },
    ...input,
  });
  return { findings: await runRule('images', ctx), unverified: ctx.unverified() };
}
const FIX = 'pin the image to a released tag (or a digest) in the values of its chart';

describe('images', () => {
  it('fails on every unpinned image of every container list, naming the path', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        template: {
          spec: {
            initContainers: [{ name: 'init', image: 'busybox' }],
            containers: [
              { name: 'ok', image: 'nginx:1.25' },
              { name: 'bad', image: 'nginx:latest' },
              'not a container',
            ],
            ephemeralContainers: [{ name: 'debug' }],
            sidecars: [{ name: 'ignored', image: 'busybox' }],
          },
        },
      },
    };
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: {
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } },
      },
    };
    const list = { apiVersion: 'v1', kind: 'List', items: [{ spec: { containers: [{ image: 'x' }] } }] };
    const top = { kind: 'Pod', containers: [{ image: 'y' }] };
    const odd = { kind: 'Odd', metadata: { name: 'o' }, spec: { containers: { image: 'z' } } };
    const { findings, unverified } = await check([deployment, cronJob, list, top, odd]);
    expect(unverified).toEqual([]);
    expect(findings).toEqual(
      [
        ['Deployment/d spec.template.spec.initContainers[0].image', NONE('busybox')],
        ['Deployment/d spec.template.spec.containers[1].image', LATEST('nginx:latest')],
        ['Deployment/d spec.template.spec.ephemeralContainers[0].image', 'has no image'],
        ['CronJob/c spec.jobTemplate.spec.template.spec.containers[0].image', NONE('busybox')],
        ['List/? items[0].spec.containers[0].image', NONE('x')],
        ['Pod/? containers[0].image', NONE('y')],
      ].map(([what, message]) => ({
        severity: 'error',
        rule: 'images',
        chart: 'app',
        where: `charts/app/templates/x.yaml: ${what}`,
        message,
        fix: FIX,
      })),
    );
  });

  it('passes pinned images', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ image: 'nginx:1.25' }] },
    };
    expect(await check([pod])).toEqual({ findings: [], unverified: [] });
  });

  it("offline, says the upstream charts' images were not judged", async () => {
    expect(await check([], { renderMode: 'own' })).toEqual({
      findings: [],
      unverified: [
        "images: the upstream charts' images (offline: only the umbrellas' own templates were judged)",
      ],
    });
  });
});
