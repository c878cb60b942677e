/** Text from manifests and the model (prompts, ids, reasons) made safe inside HTML and SVG markup. */
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** XML needs the same five entities, and refuses control characters outright (the SVG would not parse). */
export function escapeXml(text: unknown): string {
  return escapeHtml(String(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ""));
}
