// ESLint (flat config) for the TypeScript of every workspace, in CI
// (`npm run lint`): typescript-eslint's recommended rules without type
// information (fast enough for every build) and the rules of hooks in the web
// app; @graphql-eslint's operation rules for the client operations in
// packages/schema/operations, checked against the committed SDL, and its
// schema rules for the SDL itself. The module boundaries are
// dependency-cruiser's (.dependency-cruiser.cjs, `npm run lint:deps`).
import js from '@eslint/js';
import graphql from '@graphql-eslint/eslint-plugin';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const graphqlConfig = {
  schema: 'packages/schema/schema.graphql',
  documents: 'packages/schema/operations/**/*.graphql',
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', 'apps/web/test-results/**', '**/*.d.ts'] },
  {
    files: ['packages/schema/operations/**/*.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: graphqlConfig } },
    plugins: { '@graphql-eslint': graphql },
    rules: graphql.configs['flat/operations-recommended'].rules,
  },
  {
    files: ['packages/schema/schema.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: graphqlConfig } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      // Connections, edges, payloads and events carry no id of their own by design.
      '@graphql-eslint/strict-id-in-types': 'off',
      // Descriptions are written where a name does not say it all; a rule would force filler.
      '@graphql-eslint/require-description': 'off',
      // The recommended conventions, except two enums whose lower-case values are
      // already in clients' hands (AiProvider, HandoffReason): renaming them would
      // break the contract.
      '@graphql-eslint/naming-convention': [
        'error',
        Object.fromEntries(
          Object.entries(graphql.configs['flat/schema-recommended'].rules['@graphql-eslint/naming-convention'][1])
            .filter(([selector]) => selector !== 'EnumValueDefinition')
            .concat([['EnumTypeDefinition[name.value!=/^(AiProvider|HandoffReason)$/] EnumValueDefinition', 'UPPER_CASE']]),
        ),
      ],
    },
  },
  ...[js.configs.recommended, ...tseslint.configs.recommended].map((config) => ({ ...config, files: config.files ?? ['**/*.{ts,tsx,mts,js,mjs,cjs}'] })),
  {
    files: ['**/*.{ts,tsx,mts}'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      // `_name` marks what is unused on purpose (express's error handler arity, a skipped tuple slot).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['apps/web/public/**/*.js'], languageOptions: { globals: globals.browser, sourceType: 'script' } },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // Tests, benches and their helpers poke at GraphQL results as they come.
    files: ['**/*.test.{ts,tsx}', '**/test/**', '**/bench/**', '**/test-support/**', '**/e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
