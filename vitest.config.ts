import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary folder per run, removed at its end (test/support/temp-root.ts).
    globalSetup: ['test/support/temp-root.ts'],
    // CLI tests spawn the built binary; give slow machines room without hiding hangs.
    testTimeout: 20_000,
  },
});
