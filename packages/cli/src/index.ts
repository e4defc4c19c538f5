export { readOutput, rules, runChecks } from './check/run.js';
export type { CheckContext, Finding, Rule } from './check/types.js';
export { components } from './components.js';
export { EXIT, main } from './main.js';
