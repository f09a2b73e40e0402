// META: global=window
// META: script=../constants.sub.js
// META: script=resources/fuzz.js
// META: variant=?default
// META: timeout=long
'use strict';

// The seeded fuzzer of resources/fuzz.js in a browser: seeds 1 to 100 by default, eight
// connections at a time, one subtest per seed. The same seed makes the same plan in Node, so a
// failure here can be replayed there (FUZZ_SEED=N npm run fuzz) or alone in this page
// (fuzz.any.html?default&seed=N). Unhandled rejections fail the file (testharness.js).

const FUZZ_CONCURRENCY = 8;

const query = new URLSearchParams(location.search);
const seeds = query.has('seed')
  ? [Number(query.get('seed'))]
  : Array.from({ length: Number(query.get('seeds') ?? 100) }, (_, index) => Number(query.get('first') ?? 1) + index);

// Native Chromium's renderer crashes on close() after an abort during the handshake (a departure
// with its own file, close-after-abort-during-handshake.any.js); leaving that one call out lets
// the rest of native's behaviour be compared. The polyfill always gets the full sequence.
const nativeInterface = /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(WebSocketStream));

const results = webSocketStreamFuzz.startSeeds(seeds, SCHEME_DOMAIN_PORT, { WebSocketStream, WebSocketError }, {
  concurrency: FUZZ_CONCURRENCY,
  skipCloseAfterHandshakeAbort: nativeInterface,
});

for (const seed of seeds) {
  promise_test(async () => {
    const { plan, violations } = await results.get(seed);
    assert_array_equals(violations, [], `seed ${seed}, plan ${JSON.stringify(plan)}; replay: FUZZ_SEED=${seed} npm run fuzz, or this page with ?default&seed=${seed}`);
  }, `fuzz seed ${seed}`);
}
