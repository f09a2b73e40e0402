// Whether this build may run in an engine older than ES2022: the legacy classic script, whose
// engines may lack AbortSignal or EventTarget. rollup.config.mjs sets it for that build alone.
// Every other build parses only in ES2022 engines (private fields, static blocks), which all have
// both, and the bundler drops the fallbacks it guards.
export const FOR_LEGACY_ENGINES: boolean = false;
