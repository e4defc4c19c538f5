/**
 * `pnpm --filter @idstack/core bench`: the CPU time stack.yaml validation takes on the costliest files the size limit
 * lets through (the same files the limits test rejects). Budget: under a second each, so a hostile or broken config
 * never stalls `idstack build`. Prints one line per file and exits 1 when a file is over budget.
 */

import { parseStack } from '../src/config/load.js';
import { fakeComponent } from '../src/test-support/fixtures.js';
import { worstConfigFiles } from '../src/test-support/worst-configs.js';

const BUDGET_MS = 1000;
const components = [fakeComponent('alpha', 'infra'), fakeComponent('beta', 'security', ['alpha'])];
let over = 0;
for (const { name, text } of worstConfigFiles()) {
  const cpu = process.cpuUsage();
  try {
    parseStack(text, components);
  } catch {
    // every one of these files is invalid: the error is the expected answer, its cost is what is measured
  }
  const { user, system } = process.cpuUsage(cpu);
  const ms = (user + system) / 1000;
  if (ms >= BUDGET_MS) over++;
  console.log(
    `${ms.toFixed(0).padStart(6)} ms CPU  ${name}${ms >= BUDGET_MS ? `  OVER the ${BUDGET_MS} ms budget` : ''}`,
  );
}
process.exitCode = over > 0 ? 1 : 0;
