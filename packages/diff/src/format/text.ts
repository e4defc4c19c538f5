import type { DiffResult } from '../types.js';
import { countsText, headline, type Line, objectLines, objectTitle, summaryText, waveText } from './lines.js';

const COLOURS: Record<Line['tone'] | 'title', [string, string]> = {
  add: ['\x1b[32m', '\x1b[39m'],
  remove: ['\x1b[31m', '\x1b[39m'],
  change: ['\x1b[33m', '\x1b[39m'],
  context: ['\x1b[2m', '\x1b[22m'],
  title: ['\x1b[1m', '\x1b[22m'],
};

const SIGNS: Record<Line['tone'], string> = { add: '+', remove: '-', change: '!', context: ' ' };

/** The terminal format: every changed Application, its objects and their fields; colours only when asked. */
export function formatText(result: DiffResult, options: { readonly color: boolean }): string {
  const paint = (tone: keyof typeof COLOURS, text: string) =>
    options.color ? `${COLOURS[tone][0]}${text}${COLOURS[tone][1]}` : text;
  const { compared, render } = headline(result);
  const out = [`idstack diff: ${compared}`, render, ''];
  for (const app of result.applications) {
    if (app.status === 'unchanged') continue;
    const wave = waveText(app);
    const facts = [
      wave ? `wave ${wave}` : '',
      app.status === 'changed' ? '' : app.status,
      countsText(app.counts),
    ];
    out.push(paint('title', `${app.name}  ${facts.filter(Boolean).join(' · ')}`));
    for (const object of app.objects) {
      const tone = { added: 'add', removed: 'remove', changed: 'change', moved: 'change' } as const;
      out.push(`  ${paint(tone[object.change], objectTitle(object))}`);
      for (const line of objectLines(object))
        out.push(`      ${paint(line.tone, `${SIGNS[line.tone]} ${line.text}`)}`);
    }
    out.push('');
  }
  for (const note of result.notes) out.push(`note: ${note}`);
  out.push(summaryText(result));
  return `${out.join('\n')}\n`;
}
