// The browser test: builds the site, serves dist/ on 127.0.0.1 and opens every page in Debian Chromium.
import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    fileParallelism: false
  }
});
