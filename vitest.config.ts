/**
 * Three tiers (vitest projects), run in this order by `npm test` (scripts/test.sh):
 * - unit: unit and property tests, in process: no root, no Open vSwitch, no build
 *   (`npm run test:unit`, well under a minute);
 * - e2e: real Open vSwitch (network namespaces, root), its tools as oracles, and the
 *   built program in processes of its own (`npm run build` first); one file at a time;
 * - load: load, loss and memory checks with bounds generous enough for a loaded 2-core
 *   machine, one file at a time; the tight figures are the benchmarks' (bench/).
 */
import { defineConfig } from 'vitest/config';

/** Files outside test/e2e that need Open vSwitch's tools or the built program. */
const E2E_ELSEWHERE = [
  'test/codec/ofp-print.test.ts', // ovs-ofctl ofp-parse as the oracle
  'test/reliability/tls.test.ts', // certificates from ovs-pki
  'test/runtime/workers.test.ts', // the built controller, forked into workers
  'test/bench/flow-setup-smoke.test.ts', // the built benchmark against the built controller
];

/** Files outside test/load whose point is a loss or memory bound under load. */
const LOAD_ELSEWHERE = [
  'test/e2e/vnet-reload.test.ts', // ping loss while vnet reloads and restarts
  'test/e2e/faults-controller.test.ts', // ping loss while the controller is killed and restarted
  'test/reliability/fuzz-controller.test.ts', // 400 fuzzed connections, then the heap
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'apps/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/load/**', ...E2E_ELSEWHERE, ...LOAD_ELSEWHERE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', ...E2E_ELSEWHERE],
          exclude: LOAD_ELSEWHERE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'load',
          include: ['test/load/**/*.test.ts', ...LOAD_ELSEWHERE],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
