import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import resolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';

// scripts/build.mjs builds into a fresh folder and swaps it in, so readers never see half a dist/.
const out = process.env.BUILD_OUT_DIR ?? 'dist';

const typescriptFor = (target) =>
  typescript({
    tsconfig: './tsconfig.json',
    // inlineSources: the maps carry the TypeScript they point at, which the package does not ship.
    compilerOptions: { target, declaration: false, outDir: undefined, rootDir: undefined, sourceMap: true, inlineSources: true },
    include: ['polyfill/**/*.ts'],
  });

// `ecma` is the syntax the output may use: each build's own target, never newer. Measured in gzip
// against terser's defaults: passes 3 −30 B (modern) / −66 B (legacy); arrow functions for
// function expressions that use no `this` −12 B / −45 B; hoisting the declarations of functions
// −43 B on the modern build but +164 B on the legacy one, so only on the modern one; inlining
// only simple functions (inline: 1) −19 B / −31 B. No `unsafe` or
// `pure_getters`: they assume property reads and conversions have no side effects, and Web IDL
// conversions call the application's getters and toString in a set order.
const minify = (ecma, { hoistFunctions, mangleProperties }) =>
  terser({
    ecma,
    // Class names may go: the interfaces set their `name` explicitly (interface.ts).
    format: { comments: false },
    compress: { passes: 3, unsafe_arrows: true, hoist_funs: hoistFunctions, inline: 1 },
    // builtins: the list is exact, so names that are also DOM properties (resolve, stop) may go too.
    mangle: mangleProperties ? { properties: { regex: INTERNAL_PROPERTIES, builtins: true } } : true,
  });

// Property names that only the polyfill's own code reads, renamed by the minifier (−104 B gzip on
// the modern build): a stream's state record (websocket-stream.ts), a Deferred, and a
// connection's Transfer behind the socket seam. Never a name that the platform, the application,
// another copy of the polyfill (the realm records, CloseInfo, the Socket and SocketEventSink that
// setSocketConnector passes between copies) or a stream's underlying source or sink reads.
const INTERNAL_PROPERTIES = new RegExp(
  `^(${[
    'socket', 'abortSignal', 'abortListener', 'readableController', 'readableOpen', 'writableController',
    'pendingWrite', 'writeSent', 'pendingWritableClose',
    'promise', 'resolve', 'reject',
    'receive', 'stop',
  ].join('|')})$`,
);

// The ES module entries share one implementation, and so do the CommonJS ones: importing two
// entries gives one WebSocketStream, not two. (Separate copies — a classic script beside a bundle,
// two versions of the package — find each other through the realm registry, realm.ts.)
const moduleEntries = {
  input: { index: 'polyfill/index.ts', polyfill: 'polyfill/polyfill.ts', node: 'polyfill/node.ts' },
  external: ['node:module', 'ws'],
  plugins: [typescriptFor('ES2022')],
  output: [
    { dir: out, format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'shared/websocketstream.js' },
    { dir: `${out}/cjs`, format: 'cjs', sourcemap: true, exports: 'named', entryFileNames: '[name].js', chunkFileNames: 'shared/websocketstream.js' },
  ],
};

const classicScript = {
  input: 'polyfill/iife.ts',
  plugins: [typescriptFor('ES2022')],
  output: [
    { file: `${out}/websocketstream-polyfill.js`, format: 'iife', sourcemap: true },
    { file: `${out}/websocketstream-polyfill.min.js`, format: 'iife', sourcemap: true, plugins: [minify(2022, { hoistFunctions: true, mangleProperties: true })] },
  ],
};

// The fallbacks for engines that lack AbortSignal or EventTarget stay in this build alone: it sets
// the constant in polyfill/legacy-engines.ts, which every other build leaves false.
const forLegacyEngines = {
  name: 'for-legacy-engines',
  transform(code, id) {
    if (!id.replaceAll('\\', '/').endsWith('/polyfill/legacy-engines.ts')) return null;
    return { code: 'export const FOR_LEGACY_ENGINES = true;\n', map: { mappings: '' } };
  },
};

// ES2017 output: private fields become WeakMaps, which the older engines this build is for run.
const legacyClassicScript = {
  input: 'polyfill/legacy.ts',
  plugins: [resolve({ browser: true }), commonjs(), typescriptFor('ES2017'), forLegacyEngines],
  output: { file: `${out}/websocketstream-polyfill.legacy.min.js`, format: 'iife', sourcemap: true, plugins: [minify(2017, { hoistFunctions: false, mangleProperties: false })] },
};

export default [moduleEntries, classicScript, legacyClassicScript];
