// Pure helpers for validation problems (no DOM: unit-tested under node).

/** "labels.m: only one label" → ["labels.m", "only one label"]; free text has no field. */
export function splitProblem(message: string): [string, string] {
  const colon = message.indexOf(": ");
  if (colon > 0) {
    const field = message.slice(0, colon);
    if (!/\s/.test(field)) return [field, message.slice(colon + 2)];
  }
  return ["", message];
}
