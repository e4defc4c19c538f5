/** `@idstack/release/testing`: what tests (and benchmarks) elsewhere need to stand in for the upstream side. */
export { freePort, startRegistry, type TestRegistry } from './registry.js';
export { packageUpstreamStandIn } from './upstream-standin.js';
