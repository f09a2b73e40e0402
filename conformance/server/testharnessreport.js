// Served as /resources/testharnessreport.js. When testharness.js has every
// result (including those a worker sent through fetch_tests_from_worker), they
// are stored on globalThis.__wptResults for the browser drivers to collect.
(function () {
  var TEST_STATUSES = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
  var HARNESS_STATUSES = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];

  function text(value) {
    return value === undefined || value === null ? null : String(value);
  }

  add_completion_callback(function (tests, harnessStatus) {
    globalThis.__wptResults = {
      status: {
        status: HARNESS_STATUSES[harnessStatus.status] || 'ERROR',
        message: text(harnessStatus.message),
      },
      tests: tests.map(function (test) {
        return { name: test.name, status: TEST_STATUSES[test.status] || 'FAIL', message: text(test.message) };
      }),
    };
  });
})();
