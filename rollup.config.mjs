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

const minify = () =>
  terser({
    ecma: 2020,
    // Class names may go: the interfaces set their `name` explicitly (interface.ts).
    format: { comments: false },
  });

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
    { file: `${out}/websocketstream-polyfill.min.js`, format: 'iife', sourcemap: true, plugins: [minify()] },
  ],
};

// ES2017 output: private fields become WeakMaps, which the older engines this build is for run.
const legacyClassicScript = {
  input: 'polyfill/legacy.ts',
  plugins: [resolve({ browser: true }), commonjs(), typescriptFor('ES2017')],
  output: { file: `${out}/websocketstream-polyfill.legacy.min.js`, format: 'iife', sourcemap: true, plugins: [minify()] },
};

export default [moduleEntries, classicScript, legacyClassicScript];
