// @ts-check
// The shapes the harness hands from one part to the next, written once:
//
//   options (options.mjs) → configurations and jobs (matrix.mjs, jobs.mjs)
//     → the scheduler (scheduler.mjs) runs each job in a driver's session (drivers/)
//     → page runs become records (records.mjs) → the verdict (verdict.mjs)
//     → the report (schema.mjs) → the reporters (reporters/).
//
// Modules refer to these with `import('./types.mjs').Driver` and the like;
// nothing here runs. Changing a shape here changes it for every part at once,
// which is the point: the driver contract used to be a comment in
// drivers/index.mjs that each driver could drift from.

export {};

/** @typedef {'window'|'worker'|'shell'} Scope  shell: a runtime without a DOM (Deno, Bun, Node), the window page's tests */
/**
 * "default" is the ws: page (no query), "wss" is ?wss; an upstream file may declare others
 * (a variant's name is its query without "?"), hence the open end.
 * @typedef {'default'|'wss'|(string & {})} Variant
 */
/** @typedef {'native'|'polyfill'} Mode */
/** @typedef {'OK'|'ERROR'|'TIMEOUT'|'PRECONDITION_FAILED'|'CRASH'} FileStatus */
/** @typedef {'PASS'|'FAIL'|'TIMEOUT'|'NOTRUN'|'PRECONDITION_FAILED'} SubtestStatus */

/**
 * Why a page counts as crashed, as a value (the message says it in words):
 * - page-crashed:   the page's renderer or web process died; the browser lives on;
 * - browser-exited: the whole browser (or its connection) went away;
 * - session-failed: the automation session broke in a way that cannot tell
 *                   the two apart (a failed WebDriver command, a dead jsdom thread).
 * @typedef {'page-crashed'|'browser-exited'|'session-failed'} CrashKind
 */

/** @typedef {{ name: string, status: SubtestStatus, message: string|null }} SubtestOutcome */

/**
 * What a driver's runPage() returns, whatever the page or browser did
 * (built by drivers/outcome.mjs). `timedOut` means the harness's own per-file
 * bound ran out (the page hung); a TIMEOUT that testharness.js reported itself
 * comes with timedOut false.
 * @typedef {object} PageOutcome
 * @property {FileStatus} status
 * @property {string|null} message
 * @property {SubtestOutcome[]} subtests
 * @property {boolean} crashed
 * @property {CrashKind|null} crashKind  null unless crashed
 * @property {boolean} timedOut
 * @property {number} durationMs
 */

/**
 * One way of running pages in one engine. A driver is one session: the
 * scheduler creates one per browser session it opens, launches it, runs pages
 * in it one at a time, and closes it. Every method is bounded by the driver
 * itself (a page by `timeoutMs`, launch and close by the driver's own limits);
 * runPage never rejects: whatever happens becomes an outcome.
 * @typedef {object} Driver
 * @property {'playwright'|'webdriver'|'jsdom'|'launcher'|'runtime'} kind
 * @property {string} engine  the engine the results are filed under
 * @property {string} source  how the browser was found, for people
 * @property {string|null} version  known once launched
 * @property {() => Promise<void>} launch  rejects when the browser cannot start
 * @property {number} [launchTimeoutMs]  how long launch() may take when that is more than a
 *   minute: a session request to a grid waits in its queue while the matching slots are busy
 * @property {(url: string, options: { timeoutMs: number }) => Promise<PageOutcome>} runPage
 * @property {(url: string, expression: string, options?: { timeoutMs?: number }) => Promise<unknown>} evaluate
 *   opens `url` and evaluates `expression` there (probing for a native WebSocketStream)
 * @property {() => Promise<void>} close  never rejects
 */

/**
 * How one engine can be run here, as browsers.mjs's detectBrowsers() found it (null: it cannot).
 * A Playwright build is launched without executablePath, as Playwright prefers.
 * @typedef {object} FoundBrowser
 * @property {'environment'|'playwright'|'system'} source
 * @property {string} [executablePath]
 * @property {string} [webDriver]  WebKitGTK's WebKitWebDriver
 * @property {string} [miniBrowser]  WebKitGTK's MiniBrowser
 * @property {string|null} [xvfb]
 */
/** @typedef {Record<string, FoundBrowser|null>} FoundBrowsers  by engine: chromium, firefox, webkit */

/**
 * A browser (or jsdom) in a mode, as matrix.mjs builds it.
 * @typedef {object} Configuration
 * @property {string} id  "browser:mode"
 * @property {string} browser  a key of matrix.mjs's BROWSERS
 * @property {string} engine  the driver family
 * @property {Mode} mode
 * @property {string[]} args  extra browser flags
 * @property {string} expectations  the expectations file's name, without .json
 * @property {string[]} [expectationCandidates]  an engine row's names, most specific first: the run takes the first file that exists
 * @property {boolean} isReference  native Chromium, what the others are compared with
 * @property {boolean} comparedWithReference  false on the reference and where no native counterpart exists (jsdom)
 * @property {Scope[]} scopes  the scopes this engine can run
 * @property {boolean} [addedAsReference]  added because polyfills ran, not asked for
 * @property {EngineRow} [row]  an engine row's binary (rows.mjs), shared by the row's configurations
 */

/**
 * What an engine row (rows.mjs) runs, filled in before the run: the binary is
 * obtained (engines.mjs) and, for a browser, which polyfill build it parses is
 * probed (prepare-rows.mjs).
 * @typedef {object} EngineRow
 * @property {'launcher'|'runtime'} driver
 * @property {string|null} spec  the engines.mjs spec (chromium@92, node@18.20.8); null for a user's binary
 * @property {string|null} executable  the binary: a user's, or the obtained one
 * @property {string|null} obtainedFrom  e.g. "npm:@sparticuz/chromium@92.0.0"
 * @property {string|null} version  what the binary says it is (the browser's own version once it ran)
 * @property {'ws'|'global'|null} socket  a runtime's polyfill entry: dist/node.js over `ws`, or dist/index.js over its own WebSocket
 * @property {'modern'|'legacy'|null} bundle  a browser's classic script: the modern build, or the legacy one where the modern does not parse
 * @property {string|null} note  what the probe found, in words ("needs legacy: …")
 */

/** @typedef {{ scope: Scope, variant: Variant, path: string }} PageSpec */

/** @typedef {{ globals: Scope[], variants: string[], scripts: string[], timeout: string }} TestMeta */

/**
 * What the test server answers an HTTP request with (server/).
 * @typedef {object} ServerAnswer
 * @property {number} status
 * @property {string} type  the Content-Type
 * @property {string|Buffer} body
 * @property {Record<string, string>} [headers]
 */

/**
 * One page to run: a test file's page in one configuration.
 * @typedef {object} Job
 * @property {string} file  e.g. "websockets/stream/close.any.js"
 * @property {PageSpec} page
 * @property {Configuration} configuration
 * @property {string} url  where the driver opens it
 * @property {number} timeoutMs  the per-file bound
 */

/** @typedef {'no-native-implementation'|'browser-unavailable'} SkipKind */

/**
 * Why a configuration did not run. Only browser-unavailable fails a run: an
 * engine without its own WebSocketStream has nothing native to test.
 * @typedef {{ kind: SkipKind, message: string }} Skip
 */

/**
 * A job as the scheduler ran it.
 * @typedef {object} PageRun
 * @property {Job} job
 * @property {PageOutcome} outcome  the attempt that counts
 * @property {PageOutcome|null} firstAttempt  a native page's crash before it was run again
 * @property {number} session  which session ran it (1, 2, …)
 */

/**
 * What became of one configuration in the scheduler.
 * @typedef {object} ConfigurationRun
 * @property {string|null} driver  the driver's kind
 * @property {string|null} source
 * @property {string|null} browserVersion
 * @property {Skip|null} skip
 * @property {number} sessions  how many sessions ran its pages
 */

/**
 * One page's result before judging, one per file × configuration × scope × variant.
 * @typedef {object} PageRecord
 * @property {string} file
 * @property {string} configuration
 * @property {string} browser
 * @property {string} engine
 * @property {Mode} mode
 * @property {string} expectations
 * @property {Scope} scope
 * @property {Variant} variant
 * @property {string} url  path and query
 * @property {FileStatus} status
 * @property {string|null} message
 * @property {boolean} timedOut
 * @property {boolean} crashed
 * @property {CrashKind|null} crashKind
 * @property {number} durationMs
 * @property {SubtestOutcome[]} subtests
 * @property {{ status: FileStatus, message: string|null, durationMs: number, crashKind: CrashKind|null }} [firstAttempt]
 */

/**
 * An expectations entry after loading (one per subtest when the file lists several).
 * @typedef {object} ExpectationEntry
 * @property {string} file
 * @property {string|undefined} test  undefined: the file as a whole
 * @property {Scope|'*'} scope
 * @property {Variant|'*'} variant
 * @property {Mode|'*'} mode
 * @property {string|string[]} expected
 * @property {string} reason
 * @property {number} index  its place in the file that declares it
 * @property {string} declaredIn  the name of the file that declares it (differs from the loaded name when inherited)
 */

/** @typedef {Record<string, ExpectationEntry[]>} ExpectationsByName  expectations name → entries */

/** @typedef {'same'|'native-departs'|'differs'|'differs-non-pass'|'no-reference'|'missing'} Parity */

/**
 * @typedef {object} JudgedSubtest
 * @property {string} name
 * @property {SubtestStatus|'MISSING'} status
 * @property {string|null} message
 * @property {string|string[]} expected
 * @property {boolean} unexpected
 * @property {string|null} reason
 * @property {{ status: string, message: string|null }|null} reference
 * @property {Parity|null} parity  null on the reference and where not compared
 */

/**
 * @typedef {Omit<PageRecord, 'subtests'> & {
 *   expected: string|string[], unexpected: boolean, reason: string|null,
 *   reference: { status: FileStatus }|null, subtests: JudgedSubtest[] }} JudgedRecord
 */

/**
 * One row of the summary: configuration × scope × variant.
 * @typedef {object} SummaryRow
 * @property {string} configuration
 * @property {Scope} scope
 * @property {Variant} variant
 * @property {number} files
 * @property {number} crashes
 * @property {number} timeouts
 * @property {number} passed
 * @property {number} total
 * @property {number} differences
 * @property {number} unexpected
 * @property {number} wallTimeMs  the wall-clock time its pages took, added up (a retried page's two attempts both count)
 */

/**
 * @typedef {object} UnexpectedItem
 * @property {string} configuration
 * @property {string|null} file
 * @property {Scope|null} scope
 * @property {Variant|null} variant
 * @property {string|null} test
 * @property {string} kind
 * @property {string|null} status
 * @property {string|string[]|null} expected
 * @property {string|null} [referenceStatus]
 * @property {string|null} message
 */

/** @typedef {ExpectationEntry & { expectations: string, inheritedBy: string|null }} UnusedExpectation */

/**
 * @typedef {object} Verdict
 * @property {JudgedRecord[]} records
 * @property {SummaryRow[]} summary
 * @property {UnexpectedItem[]} unexpected
 * @property {UnusedExpectation[]} unusedExpectations
 */

/**
 * Parsed command-line options (options.mjs). Paths are as given; the runner resolves them.
 * @typedef {object} Options
 * @property {string[]} browsers
 * @property {Record<string, string>} [browserExecutables]  --browser-executable NAME → PATH
 * @property {Mode[]} modes
 * @property {Scope[]} scopes
 * @property {Variant[]} variants
 * @property {string[]} filters
 * @property {string[]} excludes
 * @property {{ index: number, count: number }|null} shard
 * @property {boolean} reference
 * @property {string|null} wptRoot
 * @property {string|null} polyfill
 * @property {string|null} expectationsDir
 * @property {string|null} playwrightEndpoint
 * @property {Record<string, object>|null} playwrightLaunchOptions
 * @property {string|null} webdriverUrl
 * @property {Record<string, Record<string, unknown>>|null} webdriverCapabilities  by browser (webdriver-options.mjs)
 * @property {string[]|null} webdriverBrowsers  those that go through webdriverUrl; null without one
 * @property {string} host
 * @property {number} timeoutMultiplier
 * @property {number} workers  browser sessions at once
 * @property {string[]} reporters
 * @property {string} outDir
 * @property {boolean} quiet
 */

/**
 * A configuration as the report describes it.
 * @typedef {object} ConfigurationReport
 * @property {string} id
 * @property {string} browser
 * @property {string} engine
 * @property {Mode} mode
 * @property {string[]} args
 * @property {string} expectations
 * @property {boolean} isReference
 * @property {boolean} comparedWithReference
 * @property {string|null} driver
 * @property {string|null} source
 * @property {string|null} browserVersion
 * @property {string|null} skipped  why it did not run, in words (kept from schema 1's first fields)
 * @property {Skip|null} skip  the same, as a value
 * @property {number} sessions
 * @property {ConfigurationRowReport|null} [row]  an engine row's binary and build; null for the standard browsers
 */

/**
 * @typedef {object} ConfigurationRowReport
 * @property {string|null} spec
 * @property {string|null} obtainedFrom
 * @property {'ws'|'global'|null} socket
 * @property {string|null} polyfillEntry  the build its polyfill pages load: websocketstream-polyfill.js, …legacy.min.js, node.js, index.js
 * @property {'modern'|'legacy'|null} bundle
 * @property {string|null} note
 */

/**
 * The report every reporter reads; schema.mjs documents it field by field.
 * @typedef {object} Report
 * @property {string} schema
 * @property {number} schemaVersion
 * @property {RunInfo} run
 * @property {SummaryRow[]} summary
 * @property {UnexpectedItem[]} unexpected
 * @property {UnusedExpectation[]} unusedExpectations
 * @property {JudgedRecord[]} results
 */

/**
 * @typedef {object} RunInfo
 * @property {string} startedAt
 * @property {string} finishedAt
 * @property {number} wallTimeMs
 * @property {0|1} exitCode
 * @property {{ name: string, version: string }} tool
 * @property {string} node
 * @property {string} platform
 * @property {string} arch
 * @property {number} cpus
 * @property {number} workers  sessions allowed at once (--workers)
 * @property {number} [sessions]  browser sessions opened in the run (each serves many files; a crash or a change of browser opens another)
 * @property {Record<string, unknown>} options
 * @property {string} reference
 * @property {ConfigurationReport[]} configurations
 * @property {string[]} files
 * @property {ShardInfo[]} [shards]  on a report merged from shards (merge.mjs): each shard's own run
 */

/**
 * @typedef {object} ShardInfo
 * @property {number} index
 * @property {number} count
 * @property {string} report  the shard's results.json, as given to merge
 * @property {string} startedAt
 * @property {string} finishedAt
 * @property {number} wallTimeMs
 * @property {number|null} workers
 * @property {0|1} exitCode  the shard's own verdict, before merging
 * @property {number} files
 */

/**
 * What the runner tells the CLI while it works.
 * @typedef {{ type: 'launch', browser: string, source: string }
 *   | { type: 'notice', message: string }
 *   | { type: 'skip', configuration: string, reason: string, skip: Skip }
 *   | { type: 'retry', record: PageRecord }
 *   | { type: 'page', done: number, total: number, record: PageRecord }} ProgressEvent
 */
