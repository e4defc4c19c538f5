import type { ApplicationChange, DiffResult, ObjectChange } from '../types.js';
import { countsText, headline, type Line, objectLines, objectTitle, summaryText, waveText } from './lines.js';

/** The first line of the comment: the workflow finds (and updates) its own comment by it. */
export const MARKDOWN_MARKER = '<!-- idstack-diff -->';

/** Bounds that keep a comment readable and under GitHub's 65,536 characters, however large the change. */
export const MARKDOWN_LIMITS = {
  /** Characters of the whole comment; details stop (with a note) before it. */
  comment: 60_000,
  /** Objects shown with their fields per Application; the rest are listed by name. */
  detailedObjects: 30,
  /** Objects listed by name per Application after the detailed ones; the rest are counted. */
  listedObjects: 100,
  /** Lines of fields per object. */
  linesPerObject: 25,
  /** Characters per line. */
  lineLength: 160,
} as const;

const PREFIX: Record<Line['tone'], string> = { add: '+', remove: '-', change: '!', context: ' ' };

/**
 * The pull-request format: a summary table per Application, then a collapsed `<details>` per Application with
 * its objects' field changes in `diff` blocks, bounded by {@link MARKDOWN_LIMITS}.
 */
export function formatMarkdown(result: DiffResult): string {
  const { compared, render } = headline(result);
  const head = [
    MARKDOWN_MARKER,
    '### idstack diff',
    '',
    `${code(compared)} · ${render.replace(/^(\w+ render)/, '**$1**')}`,
    '',
    `**${summaryText(result)}**`,
  ];
  const changed = result.applications.filter((a) => a.status !== 'unchanged');
  if (changed.length === 0) return `${[...head, ...notes(result)].join('\n')}\n`;
  head.push(
    '',
    ...table(
      ['Application', 'wave', 'status', 'added', 'removed', 'changed', 'moved'],
      changed.map((a) => [
        a.name,
        waveText(a),
        a.status,
        ...(['added', 'removed', 'changed', 'moved'] as const).map((k) => String(a.counts[k])),
      ]),
      3,
    ),
  );
  const tail = notes(result);
  let size = [...head, ...tail].join('\n').length;
  const sections: string[] = [];
  const left: string[] = [];
  for (const app of changed) {
    const section = details(app);
    if (size + section.length + 200 > MARKDOWN_LIMITS.comment) {
      left.push(app.name);
      continue;
    }
    sections.push(section);
    size += section.length + 1;
  }
  if (left.length) {
    tail.unshift(
      '',
      `_Details of ${left.map(code).join(', ')} are left out to keep this comment within GitHub's size limit: run \`idstack diff\` locally._`,
    );
  }
  return `${[...head, '', ...sections, ...tail].join('\n')}\n`;
}

/** One Application's collapsible section. */
function details(app: ApplicationChange): string {
  const facts = [app.status === 'changed' ? '' : app.status, countsText(app.counts)].filter(Boolean);
  const out = [
    '<details>',
    `<summary><b>${html(app.name)}</b> · ${html(facts.join(' · ') || 'sync wave')}</summary>`,
    '',
  ];
  if (app.wave.base !== undefined && app.wave.head !== undefined && app.wave.base !== app.wave.head) {
    out.push(`Sync wave ${app.wave.base} → ${app.wave.head}.`, '');
  }
  const detailed = app.objects.slice(0, MARKDOWN_LIMITS.detailedObjects);
  for (const object of detailed) out.push(...objectSection(object));
  out.push('');
  const rest = app.objects.slice(detailed.length);
  const listed = rest.slice(0, MARKDOWN_LIMITS.listedObjects);
  if (listed.length) {
    out.push(`${rest.length} more object${rest.length === 1 ? '' : 's'}:`, '');
    out.push(...listed.map((o) => `- ${code(objectTitle(o))}`));
    if (rest.length > listed.length) out.push(`- … and ${rest.length - listed.length} more`);
    out.push('');
  }
  out.push('</details>', '');
  // One blank line between blocks, however the objects above ended.
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** An object with details as a paragraph and a `diff` block; one without (removed, pure move) as a list item. */
function objectSection(object: ObjectChange): string[] {
  const lines = objectLines(object);
  if (lines.length === 0) return [`- ${code(objectTitle(object))}`];
  const out = ['', code(objectTitle(object)), ''];
  const shown = lines
    .slice(0, MARKDOWN_LIMITS.linesPerObject)
    .map((l) => `${PREFIX[l.tone]} ${truncate(l.text, MARKDOWN_LIMITS.lineLength)}`);
  if (lines.length > shown.length) shown.push(`  … ${lines.length - shown.length} more lines`);
  const fence = '`'.repeat(Math.max(3, longestRun(shown.join('\n'), '`') + 1));
  return [...out, `${fence}diff`, ...shown, fence, ''];
}

function notes(result: DiffResult): string[] {
  return result.notes.length ? ['', ...result.notes.map((n) => `> ${n}`)] : [];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Inline code that survives backticks inside. */
function code(text: string): string {
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A table with aligned columns (readable as plain text too); columns from `rightFrom` on are right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], rightFrom: number): string[] {
  const cells = [header, ...rows].map((row) => row.map((c) => c.replaceAll('|', '\\|')));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((c, i) => (i >= rightFrom ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i >= rightFrom ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(cells[0] ?? []), rule, ...cells.slice(1).map(line)];
}

function html(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
