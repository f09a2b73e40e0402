// Writes the chosen reports. Every reporter reads the same report object (see lib/schema.mjs).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderCompatJson } from './compat.mjs';
import { renderHtml } from './html.mjs';
import { renderJson } from './json.mjs';
import { renderTerminal } from './terminal.mjs';

/** @type {Record<string, string>} */
export const REPORT_FILES = { json: 'results.json', html: 'report.html', compat: 'compat.json' };
/** @type {Record<string, (report: import('../lib/types.mjs').Report) => string>} */
const RENDERERS = { json: renderJson, html: renderHtml, compat: renderCompatJson };

/**
 * @param {import('../lib/types.mjs').Report} report
 * @param {{ reporters: string[], outDir: string, color?: boolean }} options
 * @returns {Promise<{ terminal: string|null, files: string[] }>}
 */
export async function writeReports(report, { reporters, outDir, color = false }) {
  const files = [];
  const fileReporters = reporters.filter((name) => name in REPORT_FILES);
  if (fileReporters.length > 0) await mkdir(outDir, { recursive: true });
  for (const name of fileReporters) {
    const file = path.join(outDir, REPORT_FILES[name]);
    await writeFile(file, RENDERERS[name](report));
    files.push(file);
  }
  return { terminal: reporters.includes('terminal') ? renderTerminal(report, { color }) : null, files };
}
