import { applyD1Migrations } from 'cloudflare:test';
import { testEnv } from './helpers';

// Every test file starts from an empty D1 database with the schema of migrations/ (applied once per file).
await applyD1Migrations(testEnv.DB, testEnv.TEST_MIGRATIONS);
