import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn the built binary; give slow machines room without hiding hangs.
    testTimeout: 20_000,
  },
});
