import { isPlainObject } from '@idstack/core';
import { describeObject } from '../context.js';
import { renderedObjects } from '../crds.js';
import type { Finding, Rule } from '../types.js';

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Every `image` of every container list (`containers`, `initContainers`, `ephemeralContainers`) below `node`. */
function images(node: unknown, path: string, out: { path: string; image: unknown }[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      images(item, `${path}[${i}]`, out);
    });
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const here = path ? `${path}.${key}` : key;
    if (CONTAINER_LISTS.has(key) && Array.isArray(value)) {
      value.forEach((c, i) => {
        if (isPlainObject(c)) out.push({ path: `${here}[${i}].image`, image: c.image });
      });
    }
    images(value, here, out);
  }
}

/** What is wrong with an image reference, if anything: no tag and no digest, or `latest` without a digest. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || !image.trim()) return 'has no image';
  const [name, digest] = image.split('@');
  const lastPart = (name ?? '').split('/').pop() ?? '';
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
  if (digest) return undefined;
  if (!tag)
    return `image "${image}" has neither a tag nor a digest: every node pulls whatever \`latest\` is that day`;
  if (tag === 'latest')
    return `image "${image}" is on \`latest\` without a digest: what runs changes under the same manifest`;
  return undefined;
}

/** Every container of every rendered object runs a pinned image: a tag other than `latest`, or a digest. */
export const imagesRule: Rule = {
  id: 'images',
  description: 'every container image has a tag (not `latest`) or a digest',
  run: async (ctx) => {
    const found: Finding[] = [];
    if (ctx.renderMode !== 'full')
      ctx.notVerified(
        "images: the upstream charts' images (offline: only the umbrellas' own templates were judged)",
      );
    for (const o of await renderedObjects(ctx)) {
      const refs: { path: string; image: unknown }[] = [];
      images(o.object, '', refs);
      for (const ref of refs) {
        const problem = imageProblem(ref.image);
        if (problem)
          found.push({
            severity: 'error',
            rule: 'images',
            chart: o.chart,
            where: `${o.file}: ${describeObject(o.object)} ${ref.path}`,
            message: problem,
            fix: 'pin the image to a released tag (or a digest) in the values of its chart',
          });
      }
    }
    return found;
  },
};
