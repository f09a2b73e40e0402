// One escaper for everything this project writes as HTML, SVG or XML: text and attribute values
// alike, so a value may go in either place (a double- or a single-quoted attribute included).

/** @type {Record<string, string>} */
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `value` as text that is safe in element content and in any quoted attribute.
 * @param {unknown} value
 */
export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (character) => ENTITIES[character]);
}
