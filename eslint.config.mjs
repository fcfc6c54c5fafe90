import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['**/generated/**', '**/dist/**', '**/node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read configuration through the app env module' }],
    },
  },
  {
    // env modules, scripts, tests and the test kit may read the environment directly
    files: ['**/env.ts', 'scripts/**', 'bench/**', 'test/**', '**/*.test.ts', 'packages/testkit/**', 'packages/devstack/**', 'temporal/**', 'prisma.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // the dev stack, the benchmarks and the scripts run without the test kit (test-only code)
    files: ['scripts/**', 'bench/**', 'temporal/**', 'packages/devstack/**', 'apps/*/src/**'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@at/testkit', message: 'test-only: use @at/devstack outside tests' }] }] },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O modules.
    files: ['apps/thermos/src/workflows/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'workflow code must be deterministic: no Node built-ins' })),
            ...['@at/db', '@at/vault', '@at/providers', '@at/http', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pg', 'express', 'winston', 'undici'].map((name) => ({
              name,
              message: 'workflow code must not do I/O: call an activity',
            })),
            { name: '@at/common', message: "import '@at/common/temporal-contract' (the workflow-safe entry) instead" },
          ],
        },
      ],
    },
  },
);
