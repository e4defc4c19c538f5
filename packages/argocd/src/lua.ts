import { execFileSync } from 'node:child_process';

/** Lua 5.1 source for a JSON-like value (the shape Argo CD hands a health script as `obj`). */
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(toLua).join(', ')}}`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `[${JSON.stringify(k)}] = ${toLua(v)}`)
    .join(', ')}}`;
}

/** Runs an Argo CD health script under the real Lua 5.1 (as Argo CD does) against one object. */
export function runHealthCheck(script: string, obj: unknown): { status: string; message: string } {
  const driver = `obj = ${toLua(obj)}
local check = assert(loadstring(io.read("*a")))
local hs = check()
io.write(tostring(hs.status), "\\n", tostring(hs.message or ""))`;
  const out = execFileSync('lua5.1', ['-e', driver], { input: script, encoding: 'utf8' });
  const [status = '', ...message] = out.split('\n');
  return { status, message: message.join('\n') };
}
