/**
 * Runs a built bundle (dist/main.cjs, dist/post.cjs, dist/cli.cjs) the way a GitHub runner does and returns what
 * the runner would see, parsed. The implementation is plain ESM in scripts/lib/runner.mjs, shared with the demo.
 */
export { applyMasks, DIST, leaks, parseFileCommand, runBundle, unescapeCommand } from '../scripts/lib/runner.mjs'
export type { RunnerResult, RunOptions } from '../scripts/lib/runner.mjs'
