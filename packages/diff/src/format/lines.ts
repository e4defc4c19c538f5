import { toYaml } from '@idstack/core';
import type { ApplicationChange, DiffResult, FieldChange, ObjectChange } from '../types.js';

/** A line of a change, with what it means (formats colour or prefix it). */
export interface Line {
  readonly tone: 'add' | 'remove' | 'change' | 'context';
  readonly text: string;
}

/** Longest value shown on one line; longer ones print as a block. */
const INLINE = 72;
/** Lines above which a multi-line string diff is not worth aligning line by line (LCS is quadratic). */
const LCS_LIMIT = 400;

/** `~ Cluster authentik/authentik-db (postgresql.cnpg.io)`: the object, its change and where it came from. */
export function objectTitle(o: ObjectChange): string {
  const sign = { added: '+', removed: '-', changed: '~', moved: '>' }[o.change];
  const where = o.namespace ? `${o.namespace}/${o.name}` : o.name;
  const extra = [
    o.group ? `(${o.group})` : '',
    o.change === 'moved' ? `moved from ${o.from}` : '',
    o.wave ? `sync-wave ${o.wave.base} → ${o.wave.head}` : '',
  ].filter(Boolean);
  return [sign, o.kind, where, ...extra].join(' ');
}

/** What one object's change shows: the fields that differ, or the body of an added object. */
export function objectLines(o: ObjectChange): Line[] {
  if (o.change === 'removed') return [];
  if (o.change === 'added') return block(o.object).map((text) => ({ tone: 'add', text }));
  return (o.fields ?? []).flatMap(fieldLines);
}

/** A field change as lines: `- path: old` / `+ path: new`, a block for structures, a line diff for text. */
export function fieldLines(f: FieldChange): Line[] {
  if (f.masked) return [{ tone: 'change', text: `${f.path}: ${f.op} (value hidden)` }];
  if (f.op === 'changed' && isMultiline(f.old) && isMultiline(f.new)) {
    return [{ tone: 'change', text: `${f.path}: (text)` }, ...textDiff(f.old, f.new)];
  }
  const out: Line[] = [];
  if (f.op !== 'added') out.push(...valueLines('remove', f.path, f.old));
  if (f.op !== 'removed') out.push(...valueLines('add', f.path, f.new));
  return out;
}

function valueLines(tone: Line['tone'], path: string, value: unknown): Line[] {
  const inline = inlineValue(value);
  if (inline !== undefined) return [{ tone, text: `${path}: ${inline}` }];
  return [{ tone, text: `${path}:` }, ...block(value).map((text) => ({ tone, text: `  ${text}` }))];
}

/** A value on one line when it fits: scalars as YAML writes them, small structures as JSON. */
function inlineValue(value: unknown): string | undefined {
  if (typeof value === 'string') return isMultiline(value) ? undefined : scalar(value);
  if (value === null || typeof value !== 'object') return String(value);
  const json = JSON.stringify(value);
  return json.length <= INLINE ? json : undefined;
}

const scalar = (value: string) => toYaml(value).trimEnd();
const isMultiline = (value: unknown): value is string => typeof value === 'string' && value.includes('\n');

function block(value: unknown): string[] {
  return toYaml(value).trimEnd().split('\n');
}

/** Line diff of two texts: the lines around the change, then removed and added lines in order. */
function textDiff(a: string, b: string): Line[] {
  const x = a.split('\n');
  const y = b.split('\n');
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  const out: Line[] = [];
  const context = (text: string | undefined) => {
    if (text) out.push({ tone: 'context', text: `    ${text}` });
  };
  if (start > 0) context(x[start - 1]);
  out.push(...middle(x.slice(start, endX), y.slice(start, endY)));
  if (endX < x.length) context(x[endX]);
  return out;
}

/** The changed middle of two texts, aligned by their longest common subsequence of lines when small enough. */
function middle(x: readonly string[], y: readonly string[]): Line[] {
  const line = (tone: Line['tone'], text: string): Line => ({ tone, text: `    ${text}` });
  if (x.length * y.length > LCS_LIMIT * LCS_LIMIT) {
    return [...x.map((t) => line('remove', t)), ...y.map((t) => line('add', t))];
  }
  const lengths = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      (lengths[i] as number[])[j] =
        x[i] === y[j]
          ? ((lengths[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lengths[i + 1] as number[])[j] as number, (lengths[i] as number[])[j + 1] as number);
  const out: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push(line('context', x[i] as string));
      i++;
      j++;
    } else if (
      j < y.length &&
      (i >= x.length ||
        ((lengths[i] as number[])[j + 1] as number) > ((lengths[i + 1] as number[])[j] as number))
    ) {
      out.push(line('add', y[j] as string));
      j++;
    } else {
      out.push(line('remove', x[i] as string));
      i++;
    }
  }
  return out;
}

/** `2`, `2 → 3`, `(new) 3`, `2 (gone)`: an Application's sync wave at the base and now. */
export function waveText(app: ApplicationChange): string {
  const { base, head } = app.wave;
  if (base === undefined && head === undefined) return '';
  if (base === undefined) return `${head}`;
  if (head === undefined) return `${base}`;
  return base === head ? base : `${base} → ${head}`;
}

/** `3 removed, 1 changed`: the non-zero counts. */
export function countsText(counts: ApplicationChange['counts'] | DiffResult['summary']): string {
  return (['added', 'removed', 'changed', 'moved'] as const)
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`)
    .join(', ');
}

/** The first line of every format: what was compared with what, through which render. */
export function headline(result: DiffResult): { compared: string; render: string } {
  return {
    compared: `${result.base.revision} (${result.base.commit.slice(0, 7)}) → ${result.head}`,
    render: `${result.mode} render: ${result.description}`,
  };
}

/** The closing sentence: how much differs, or that nothing does. */
export function summaryText(result: DiffResult): string {
  if (result.identical) {
    // Offline, what the upstream charts make of the values is not seen: no claim about what Argo CD applies.
    return result.mode === 'full'
      ? 'No difference: Argo CD would apply exactly what it applies at the base.'
      : "No difference in the Applications and the umbrellas' own templates (the upstream charts were not rendered).";
  }
  const { summary } = result;
  const objects = summary.added + summary.removed + summary.changed + summary.moved;
  const apps = `${summary.applications} Application${summary.applications === 1 ? '' : 's'}`;
  if (objects === 0) return `${apps} changed (sync wave only).`;
  return `${objects} object${objects === 1 ? '' : 's'} differ in ${apps}: ${countsText(summary)}.`;
}
