// Highlighting an explanation (POST /v1/winnow/explain) on its text: the API gives UTF-8 byte
// offsets, the DOM indexes UTF-16 code units; segments() turns one label's spans into the
// text's pieces, each plain or marked with its signed contribution and an intensity in (0, 1].
import type { ExplanationSpan } from "../api/types";

/** Maps each UTF-8 byte offset of `text` that starts a code point (and the end) to its UTF-16 index. */
export function byteToUtf16(text: string): Map<number, number> {
  const map = new Map<number, number>();
  let bytes = 0;
  let units = 0;
  for (const ch of text) {
    map.set(bytes, units);
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    units += ch.length;
  }
  map.set(bytes, units);
  return map;
}

export interface Segment {
  text: string;
  /** Signed contribution (logit units) when the piece is a span; undefined for plain text. */
  contribution?: number;
  /** |contribution| relative to the largest of the label's spans, in (0, 1]. */
  intensity?: number;
}

/**
 * Splits `text` into plain and marked pieces. Spans that do not fall on code-point boundaries
 * or overlap an earlier span are left out (the server never sends such spans; a client must not
 * crash on them either). Zero contributions are plain text.
 */
export function segments(text: string, spans: ExplanationSpan[]): Segment[] {
  const index = byteToUtf16(text);
  const marked = spans
    .filter((s) => s.contribution !== 0)
    .map((s) => ({ from: index.get(s.start), to: index.get(s.end), contribution: s.contribution }))
    .filter(
      (s): s is { from: number; to: number; contribution: number } =>
        s.from !== undefined && s.to !== undefined && s.to > s.from,
    )
    .sort((a, b) => a.from - b.from);
  const largest = marked.reduce((m, s) => Math.max(m, Math.abs(s.contribution)), 0);
  const out: Segment[] = [];
  let at = 0;
  for (const s of marked) {
    if (s.from < at) continue;
    if (s.from > at) out.push({ text: text.slice(at, s.from) });
    out.push({
      text: text.slice(s.from, s.to),
      contribution: s.contribution,
      intensity: largest > 0 ? Math.abs(s.contribution) / largest : 1,
    });
    at = s.to;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}
