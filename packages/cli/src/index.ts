export type { CheckContext, Finding, Rule } from '@idstack/check';
export { readOutput, rules, runChecks } from '@idstack/check';
export { components } from './components.js';
export { EXIT, main } from './main.js';
