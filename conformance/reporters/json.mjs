// `--reporter json`: the report object exactly as lib/schema.mjs documents it.
/** @param {import('../lib/types.mjs').Report} report */
export function renderJson(report) {
  return `${JSON.stringify(report, null, 2)}\n`;
}
