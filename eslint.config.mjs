// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      // A lib is used only through its index.ts; apps never reach into libs by path.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@lib/*/*'], message: 'Import a lib only through its index: @lib/<name>.' },
            {
              group: ['**/libs/*/src/**', '../../libs/**', '../../../libs/**'],
              message: 'Use the @lib/<name> alias.',
            },
            { group: ['**/apps/**'], message: 'Nothing imports an app.' },
          ],
        },
      ],
    },
  },
  {
    // Configuration is read from the environment in exactly one place.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/core/src/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through @lib/core config, not process.env.',
        },
      ],
    },
  },
  {
    // Tests, benchmarks and scripts boot the apps themselves.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-properties': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@lib/*/*'], message: 'Import a lib only through its index: @lib/<name>.' },
          ],
        },
      ],
    },
  },
);
