import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { sharedPaths } from './models/paths';

// Both projects' setups read ../shared: fail here with its one-line message, before vitest looks for tests.
sharedPaths();

// The worker tests apply the D1 migrations to an empty database themselves (test/worker/setup.ts).
const migrations = await readD1Migrations('migrations');

export default defineConfig({
  test: {
    // CI reads the JSON report to print its "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-output/vitest.json' }]],
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/worker/**'],
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // The posterUrl tests download from a local server started by the global setup (an http origin
              // with its port). MODEL_RECHECK_SECONDS 0: every request checks for a republished manifest.json.
              bindings: {
                POSTER_URL_HOSTS: `http://127.0.0.1:${inject('posterServerPort' as never)}`,
                POSTER_SERVER: `http://127.0.0.1:${inject('posterServerPort' as never)}`,
                MODEL_RECHECK_SECONDS: '0',
                TEST_MIGRATIONS: migrations,
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          setupFiles: ['test/worker/setup.ts'],
          globalSetup: ['test/support/workerGlobalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
