import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'panel/src/**/*.test.ts'],
    // the second builds the Panel when its sources are newer than panel/dist (the e2e suites drive the build)
    globalSetup: ['test/support/global-setup.ts', 'test/e2e/support/build-panel.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a state to arrive (a rendered page, a delivery); 1 s, vitest's default, is too short on a
    // loaded CI machine. Polls that mean "promptly" say their own bound.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
  },
});
