// ESLint over the whole repository (`npm run lint`, a step of `npm test`). The rule set is small
// on purpose: ESLint's recommended rules, typescript-eslint's recommended rules for the polyfill's
// TypeScript, and a few more that catch bugs this codebase can have. Types are tsc's job
// (tsconfig.json for the polyfill, tsconfig.tools.json for everything else), not ESLint's.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The WPT suite's classic scripts share globals across <script> tags and importScripts():
// testharness.js's functions, and what the suite's shared scripts (the META: script= ones) declare
// at their top level or assign to self/globalThis. Those are read here, so a test that names a
// helper that does not exist is found.
const TESTHARNESS = [
  'test', 'async_test', 'promise_test', 'done', 'setup', 'step_timeout', 'format_value', 'fetch_tests_from_worker',
  'add_completion_callback', 'add_result_callback', 'promise_rejects_js', 'promise_rejects_dom', 'promise_rejects_exactly',
  'assert_equals', 'assert_not_equals', 'assert_true', 'assert_false', 'assert_array_equals', 'assert_object_equals',
  'assert_throws_js', 'assert_throws_dom', 'assert_throws_exactly', 'assert_unreached', 'assert_implements',
  'assert_implements_optional', 'assert_greater_than', 'assert_greater_than_equal', 'assert_less_than', 'assert_less_than_equal',
  'assert_in_array', 'assert_own_property', 'assert_class_string', 'assert_approx_equals', 'GLOBAL',
];
const SHARED_SCRIPTS = ['wpt/common/gc.js', 'wpt/common/utils.js', 'wpt/websockets/constants.sub.js',
  'wpt/websockets/stream/resources/helpers.js', 'wpt/websockets/stream/resources/fuzz.js'];
const DECLARED = /^(?:(?:async\s+)?(?:function\*?|const|let|var|class)\s+|\s*(?:self|globalThis)\.)([A-Za-z_$][\w$]*)/gm;
const sharedScriptGlobals = SHARED_SCRIPTS.flatMap((file) =>
  [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(DECLARED)].map((match) => match[1]));
const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

const unusedVariables = [
  'error',
  // `_name` says "unused on purpose" (a callback's leading parameter, a skipped element).
  { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
];

export default tseslint.config(
  // A disable comment that no longer disables anything is a stale claim about the code.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    ignores: [
      'node_modules/', 'dist/', 'dist-types/', '.dist-build-*/', 'reports/', 'test-results/',
      // Generated or copied at run time (conformance/wpt/ is the suite copied in for `npm pack`).
      'conformance/wpt/', 'conformance/report/', 'conformance/certs/',
    ],
  },
  // Undefined names, unreachable code, duplicate keys, bad regular expressions, …: the bugs
  // ESLint's authors found worth an error everywhere.
  js.configs.recommended,
  {
    rules: {
      // Dead code and leftovers; `_`-prefixed names are the stated exceptions.
      'no-unused-vars': unusedVariables,
      // `==` coerces ('' == 0); `== null` is the one idiom that means what it says (null or undefined).
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // `var` is function-scoped and hoisted; let/const say what is meant.
      'no-var': 'error',
      // A binding that is never reassigned says so, so one that is stands out.
      'prefer-const': ['error', { destructuring: 'all' }],
      // Throwing a string loses the stack; every failure here is an Error (or a subclass).
      'no-throw-literal': 'error',
      // Empty blocks are mistakes, except `catch {}`: here it says "already gone, nothing to do"
      // (killing an exited process, removing a removed file).
      'no-empty': ['error', { allowEmptyCatch: true }],
      // A promise executor that is async swallows its own throws.
      'no-async-promise-executor': 'error',
      // An `await` inside a loop body that is really independent work is worth a look, but it is
      // the right thing far more often here (bounded, ordered steps): not enabled.
    },
  },
  // The tooling (harness, bench, reliability, scripts, tests) runs in Node; much of it also hands
  // functions to pages (page.evaluate, driver.evaluate), which run with the browser's globals.
  {
    files: ['**/*.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
  },
  // Pages and workers: the examples, the bench and repro pages, the harness's report hook.
  {
    files: ['examples/**/*.js', 'conformance/repro/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['conformance/repro/**/*.js', 'conformance/server/testharnessreport.js', 'bench/baselines/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, ...globals.worker } },
  },
  {
    // Written for the oldest browsers the launcher driver reaches (ES5, no let/const): see its header.
    files: ['conformance/server/testharnessreport.js'],
    languageOptions: { globals: readonly(['add_completion_callback']) },
    rules: { 'no-var': 'off' },
  },
  {
    // The repro pages' shared script: each page defines PAGE and STANDARD and calls what it declares.
    files: ['conformance/repro/repro.js'],
    languageOptions: { globals: readonly(['PAGE', 'STANDARD']) },
    rules: { 'no-unused-vars': ['error', { ...unusedVariables[1], vars: 'local' }] },
  },
  // The WPT suite: classic scripts in windows and workers, one global scope across a page's scripts.
  {
    files: ['wpt/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, ...globals.worker, ...readonly(TESTHARNESS), ...readonly(sharedScriptGlobals) },
    },
    rules: {
      // Top-level declarations of a shared script are used by the other scripts of the page.
      'no-unused-vars': ['error', { ...unusedVariables[1], vars: 'local' }],
      // helpers.js and constants.sub.js declare what the read-only list above says they declare.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  // The polyfill and the type tests: TypeScript, with typescript-eslint's recommended rules (no
  // `any` slipping in, no `@ts-ignore` without a reason, no needless namespaces, …).
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': unusedVariables,
    },
  },
);
