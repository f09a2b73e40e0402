// The shapes the bench hands from one part to the next, written once:
//
//   settings (plan.mjs) → jobs, handed to a client (page.mjs, node-client.mjs) by the server (server.mjs, run.mjs)
//     → each job's result (workloads.mjs) → the record of an environment (plan.mjs, run.mjs)
//     → the summary (summary.mjs, ceilings.mjs), written as JSON
//     → the reports rendered from that JSON (report.mjs, performance-page.mjs, performance-prose.mjs).
//
// Modules refer to these with `import('./types.mjs').Job` and the like; nothing here runs.

export {};

/** @typedef {'receive'|'send'|'echo'|'pausedReader'|'streamFloor'} Kind */
/** @typedef {'binary'|'text'} MessageType */
/** @typedef {'receive'|'send'} ThroughputKind */

/**
 * How much one run measures (plan.mjs's planSettings()).
 * @typedef {object} PlanSettings
 * @property {boolean} quick
 * @property {string[]|null} contenders  null: every contender the environment has
 * @property {Kind[]} kinds
 * @property {number[]} sizes
 * @property {MessageType[]} types
 * @property {number} repetitions
 * @property {number} targetRunMs
 * @property {Record<number, number>} echoRoundTrips  by message size, per repetition
 * @property {number} [echoSlices]  each repetition's round trips as this many shorter runs, the
 *   contenders alternating between them (1 where absent: summaries from before it)
 * @property {{ size: number, totalBytes: number, pauseMs: number }} pausedReader
 * @property {Cell[]|null} [cells]  only these configurations of the kinds, sizes and types (a recheck of flagged
 *   cells measures no others); null or absent: all of them
 */

/** One configuration of a workload. @typedef {{ kind: Kind, size: number, type: MessageType }} Cell */

/**
 * What a client says about itself before its first job.
 * @typedef {object} Hello
 * @property {string} userAgent
 * @property {string[]} contenders
 * @property {number} timerResolutionMs
 * @property {boolean} [crossOriginIsolated]  pages only
 * @property {boolean} [hasJsHeapSize]  pages only
 * @property {string} [polyfillSocket]  Node only: the socket the polyfill found
 * @property {string} [polyfillScript]  pages only: the build of the polyfill the page loaded
 */

/**
 * An old Chromium build (old-chromium.mjs): where it came from, and which polyfill build it runs.
 * @typedef {object} EngineBuild
 * @property {string|null} spec  as the conformance matrix names it: chromium@92
 * @property {string|null} version  what the binary says it is: 92.0.4512.0
 * @property {string|null} obtainedFrom  npm:@sparticuz/chromium@92.0.0
 * @property {'modern'|'legacy'} bundle  the polyfill build it parses
 * @property {string|null} note  why, when it is not the modern one ("needs legacy: …")
 */

/**
 * One job as the plan hands it to a client; which fields are there depends on `kind`.
 * @typedef {object} Job
 * @property {number} id
 * @property {Kind} kind
 * @property {string} contender
 * @property {number} [timeBoundMs]
 * @property {number} [size]
 * @property {MessageType} [type]
 * @property {number} [count]  messages of a receive, send or paused-reader run
 * @property {number} [roundTrips]  of an echo run
 * @property {number} [messages]  chunks of a stream-floor run
 * @property {number} [pauseMs]  of a paused-reader run
 * @property {string} [tag]  names a paused reader's firehose on the server
 */

/** The answer to a client asking for its next job: a job, or the end. @typedef {(Job & { done?: undefined })|{ done: true }} NextJob */

/**
 * What the server adds to a result: CPU time of the client's process tree and wall-clock time, per job.
 * @typedef {{ cpuMs?: number, jobMs?: number }} Measured
 */
/** @typedef {{ ms: number, messages: number, bytes: number }} ThroughputResult */
/** Round-trip times, in milliseconds. @typedef {{ count: number, min: number, p50: number, p90: number, p99: number, max: number }} LatencySummary */
/**
 * An echo run's result: its round trips' summary, and every round trip (ms, in the order taken)
 * for the summary to pool across runs. Records from before the samples have none.
 * @typedef {LatencySummary & { samples?: number[] }} EchoResult
 */
/** Nanoseconds per message of the platform's streams alone. @typedef {{ messages: number, readQueuedNs: number, readWaitingNs: number, writeNs: number }} StreamFloorResult */

/**
 * The server's answer to a paused reader's `mark(job, 'end')` (run.mjs's PausedReaderWatch).
 * @typedef {object} PausedReaderMemory
 * @property {number|null} processes
 * @property {{ before: number, peak: number, atEnd: number }|null} anonymousBytes
 * @property {{ total: number|null, acceptedAtStart: number|null, acceptedAtEnd: number|null }} serverBytes
 */
/**
 * @typedef {Partial<PausedReaderMemory> & {
 *   drainMs: number, messages: number, bytes: number, messagesRead?: number,
 *   jsHeapBytes?: number|null, userSpaceBufferedBytes?: { max: number, atEnd: number },
 * }} PausedReaderResult
 */

/** @typedef {(ThroughputResult|EchoResult|StreamFloorResult|PausedReaderResult) & Measured} JobResult */

/** What a client hands back for a job. @typedef {{ id: number, result: JobResult, error?: undefined }|{ id: number, error: string, result?: undefined }} JobOutcome */
/**
 * What a client posts to /api/next: its hello, a job's outcome, or why it cannot go on.
 * @typedef {{ hello: Hello, fatal?: undefined }|(JobOutcome & { fatal?: undefined })|{ fatal: string }} ClientMessage
 */

/**
 * A paused reader's message to /api/mark: where the job is, and what the client saw.
 * @typedef {{ phase: 'baseline'|'start'|'end', jobId: number, tag?: string } & Record<string, unknown>} MarkMessage
 */

/** @typedef {{ kind: ThroughputKind, size: number, type: MessageType }} ThroughputConfig */
/**
 * One measured run of a configuration, failed (result null) or not.
 * @typedef {(ThroughputConfig & { count: number, result: (ThroughputResult & Measured)|null }
 *   | { kind: 'echo', size: number, type: MessageType, roundTrips: number, result: (EchoResult & Measured)|null })
 *   & { contender: string, repetition: number }} Run
 */
/**
 * @typedef {object} PausedReaderRun
 * @property {'pausedReader'} kind
 * @property {string} contender
 * @property {number} size
 * @property {MessageType} type
 * @property {number} count
 * @property {number} pauseMs
 * @property {PausedReaderResult|null} result
 */
/** How many messages make a run, from the warm-up runs. @typedef {ThroughputConfig & { pilotCount: number, warmUpMs: number[], count: number }} Pilot */
/** A job that failed, or a client that could not go on. @typedef {Record<string, unknown> & ({ error: string }|{ fatal: string })} BenchError */

/**
 * Every outcome of one environment's sessions.
 * @typedef {object} BenchRecord
 * @property {Pilot[]} pilots
 * @property {Run[]} runs
 * @property {PausedReaderRun[]} pausedReaders
 * @property {(StreamFloorResult & Measured & { repetition: number })[]} streamFloors
 * @property {BenchError[]} errors
 */

/**
 * One environment as run.mjs ran it, the input of summarize(); `build` for an old Chromium.
 * @typedef {BenchRecord & { name: string, hello: Hello|null, complete: boolean, outcome: string, seconds: number, build?: EngineBuild|null }} EnvironmentRecord
 */

// ---------------------------------------------------------------------------------------------
// The summary (summary.mjs), as written to JSON and read back by every report

/** Median and range of a set of values. @typedef {{ median: number, min: number, max: number, n: number }} Spread */
/**
 * A ratio of two contenders in one configuration: median and range of the paired runs' ratios, and
 * for echo, `pooled`: the p50 of every round trip of the one ÷ the p50 of every round trip of the
 * other, across all their interleaved runs. Where `pooled` is there it is the ratio that counts
 * (the target and every report's figure); the spread only shows how far single runs wandered.
 * @typedef {Spread & { pooled?: number }} Ratio
 */

/**
 * One contender's figures in one configuration: throughput for receive and send, latency for echo.
 * @typedef {object} ContenderFigures
 * @property {Spread|null} [messagesPerSecond]
 * @property {Spread|null} [megabytesPerSecond]
 * @property {number} [messagesPerRun]
 * @property {Spread|null} [p50Ms]  each run's p50 (echo)
 * @property {Spread|null} [p99Ms]  each run's p99 (echo)
 * @property {number} [pooledP50Ms]  echo: the p50 of every round trip of all the contender's runs
 * @property {number} [pooledP99Ms]  echo: their p99
 * @property {number} [pooledRoundTrips]  echo: how many round trips were pooled
 * @property {number} [roundTrips]  echo: per run
 * @property {Spread|null} [cpuMicrosecondsPerMessage]
 */

/** @typedef {{ kind: 'receive'|'send'|'echo', reference: string, atLeast?: number, atMost?: number }} Target */
/** @typedef {Target & { met: boolean|null }} JudgedTarget */

/**
 * A receive or send cell's stream ceiling (ceilings.mjs's rowCeiling()).
 * @typedef {object} Ceiling
 * @property {string|undefined} basis  the stream-floor figure `value` comes from
 * @property {number} floorNs
 * @property {number} rawNsPerMessage
 * @property {number} value  from the dearest basis figure: what the flag uses
 * @property {number} best  from the cheapest
 * @property {number} ratio
 * @property {number} ratioToCeiling
 * @property {boolean} below  below CEILING_FACTOR × `value`
 * @property {boolean} [flagged]  below, and (where the row has `streamsAlone`) below CEILING_FACTOR × the streams alone
 *   too; absent in summaries from before the streams contender ran in receive and send, which flagged every cell below
 */
/**
 * An echo cell against its limit, and against the streams alone where the environment ran the
 * `streams` contender (ceilings.mjs's echoCheck()).
 * @typedef {object} EchoCheck
 * @property {number} limit
 * @property {number} ratio  polyfill ÷ raw, pooled p50s
 * @property {boolean} above  above the limit: the target's ✗
 * @property {number} [ceiling]  streams ÷ raw, pooled p50s: what the platform's streams alone add to a round trip
 * @property {number} [ratioToCeiling]  polyfill ÷ streams, pooled p50s
 * @property {boolean} [flagged]  above, and (where there is a ceiling) ratioToCeiling above 1 / the ceiling factor;
 *   absent in summaries from before the streams ceiling, which flagged every cell above
 */
/** Where echo cells' ceiling comes from (ceilings.mjs's ECHO_CEILING_BASIS). @typedef {{ contender: string, label: string, why: string }} EchoCeilingBasis */

/**
 * One configuration (workload × size × type) of an environment.
 * @typedef {object} SummaryRow
 * @property {'receive'|'send'|'echo'} kind
 * @property {number} size
 * @property {MessageType} type
 * @property {Record<string, ContenderFigures>} contenders
 * @property {Record<string, Ratio|null>} ratios  polyfill ÷ reference, by reference
 * @property {Record<string, Spread|null>} cpuRatios
 * @property {JudgedTarget[]} targets
 * @property {Ratio|null} [rawVsNative]
 * @property {(Partial<Ratio> & { cpu: Spread|null })} [candidateVsPolyfill]
 * @property {Ceiling|null} [ceiling]
 * @property {EchoCheck|null} [echo]
 * @property {StreamsAlone} [streamsAlone]  receive and send rows where the `streams` contender ran
 */
/**
 * The platform's streams fed straight from the socket (bench/baselines/bare-streams.js) in a
 * receive or send row: the paired runs' ratios.
 * @typedef {object} StreamsAlone
 * @property {Spread} vsRaw  streams ÷ raw: what any stream-based WebSocket reaches in that cell
 * @property {Spread} polyfillVsStreams  polyfill ÷ streams: below 1 is the polyfill's own cost
 */

/**
 * @typedef {object} StreamFloorFigures
 * @property {Spread} readQueuedNs
 * @property {Spread} readWaitingNs
 * @property {Spread} writeNs
 * @property {{ rawNsPerMessage: number|null, ceilingQueued: number|null, ceilingWaiting: number|null }} receive
 * @property {{ rawNsPerMessage: number|null, ceiling: number|null }} send
 */
/** The name of a figure of StreamFloorFigures that is a Spread. @typedef {'readQueuedNs'|'readWaitingNs'|'writeNs'} FloorFigure */

/**
 * @typedef {object} PausedReaderRow
 * @property {string} contender
 * @property {number} messageSize
 * @property {number} firehoseBytes
 * @property {number} pauseMs
 * @property {boolean} [failed]
 * @property {number|null} [serverBytesTakenDuringPause]
 * @property {number|null} [serverBytesTakenByEndOfPause]
 * @property {number|null} [memoryGrowth]
 * @property {number|null} [memoryPeakGrowth]
 * @property {{ max: number, atEnd: number }|null} [userSpaceBufferedBytes]
 * @property {number} [drainMs]
 */

/**
 * @typedef {object} EnvironmentSummary
 * @property {string} name
 * @property {string|null} userAgent
 * @property {Record<string, number>} secondsByKind
 * @property {number|null} timerResolutionMs
 * @property {boolean|null} crossOriginIsolated
 * @property {string[]} contenders
 * @property {string|null} nativeReference  'native' or 'undici', where the environment has one
 * @property {boolean} complete
 * @property {string} outcome
 * @property {number} seconds
 * @property {BenchError[]} errors
 * @property {Pilot[]} pilots
 * @property {SummaryRow[]} rows
 * @property {PausedReaderRow[]} pausedReaders
 * @property {StreamFloorFigures|null} streamFloor
 * @property {EngineBuild|null} [build]  an old Chromium's (summaries before old builds were measured have none)
 * @property {OwnWebSocket|null} [ownWebSocket]  an old Chromium's WebSocket beside the current Chromium's
 */

/**
 * An old engine's own WebSocket beside the current Chromium's raw WebSocket in the same run, cell
 * by cell: what the polyfill, built on it, cannot pass there (summary.mjs's ownWebSocket()).
 * @typedef {object} OwnWebSocket
 * @property {string} reference  the environment compared with: chromium
 * @property {string|null} referenceVersion  its version, from its user agent: 156.0.0.0
 * @property {OwnWebSocketCell[]} cells
 */
/**
 * @typedef {object} OwnWebSocketCell
 * @property {'receive'|'send'|'echo'} kind
 * @property {number} size
 * @property {MessageType} type
 * @property {number} ratio  old raw ÷ current raw: messages per second (receive, send), p50 round trip (echo)
 * @property {boolean} slower  below the factor of the current one (echo: above its inverse)
 * @property {boolean} limit  slower, and the polyfill on it did not clearly outrun it: the old WebSocket is the limit here
 * @property {number|null} polyfillVsRaw  the polyfill ÷ the old engine's raw WebSocket in that cell
 */

/**
 * @typedef {{ environment: string, kind: string, size: number, type: string, ratio: number,
 *   ceiling?: number, ratioToCeiling?: number, limit?: number, streams?: number, ratioToStreams?: number,
 *   recheck?: Recheck }} FlaggedCell
 */
/**
 * A flagged cell measured again, in a session of its own after the run, with more repetitions: the
 * same figures as the flag's, or null where the recheck measured none. `confirmed`: flagged again,
 * or not measured (a flag never goes for want of a second measurement).
 * @typedef {{ repetitions: number, ratio: number|null, ratioToCeiling?: number, ratioToStreams?: number, confirmed: boolean }} Recheck
 */
/**
 * @typedef {object} Flags
 * @property {number} factor
 * @property {number} echoLimit
 * @property {{ ceiling: number, echo: number, echoCeiling?: number, ceilingStreams?: number }} checked  echoCeiling: echo cells
 *   also checked against the streams alone; ceilingStreams: receive and send cells also checked against them
 * @property {FlaggedCell[]} flagged
 */

/** @typedef {{ floors: FloorFigure[], label: string, why: string }} CeilingBasis */

/**
 * @typedef {object} BundleSize
 * @property {number} minified
 * @property {number} gzip
 * @property {number} brotli
 * @property {number|null} gzipBudget
 */

/**
 * The bench summary: what bench.json and docs/performance.json hold.
 * @typedef {object} BenchSummary
 * @property {string} generatedAt
 * @property {number} seconds
 * @property {{ cpus: number, cpuModel: string|null, loadAverageAtEnd: number[] }} machine
 * @property {PlanSettings} settings
 * @property {{ rawSendHighWaterMarkBytes: number, streamFloorChunkBytes: number, ceilingFactor: number,
 *   ceilingBasis: Record<string, CeilingBasis>, echoLimit: number, ownWebSocketFactor?: number,
 *   echoPooled?: boolean, echoCeilingBasis?: EchoCeilingBasis, streamsCeilingBasis?: EchoCeilingBasis }} method  echoPooled:
 *   echo ratios are of pooled p50s (absent: the median of paired runs' ratios); echoCeilingBasis: echo cells with a `streams`
 *   contender have a ceiling (absent: none do); streamsCeilingBasis: so do receive and send cells (absent: the floor's alone)
 * @property {Target[]} targets
 * @property {EnvironmentSummary[]} environments
 * @property {Flags} flags
 * @property {Record<string, BundleSize>} bundleSizes
 */
