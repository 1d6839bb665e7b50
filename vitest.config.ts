import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'data/**'],
    // Tests start real processes (ffmpeg, RTSP servers, controllers): give them time, and keep
    // the two cores of the CI machine from being oversubscribed.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
  },
});
