// Turning a failed response into one readable sentence. The server answers errors in the
// FastAPI shapes of the contract: {"detail": "text"}, {"detail": [{"loc": [...], "msg": "..."}]}
// (422) or {"message": "Unauthorized", "request_id": ...} (401).

export class ApiError extends Error {
  /** HTTP status, or 0 when the request never got an answer (network, server down). */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

interface DetailItem {
  loc?: unknown[];
  msg?: unknown;
}

function describeDetailItem(item: unknown): string {
  if (typeof item === "string") return item;
  if (item && typeof item === "object") {
    const d = item as DetailItem;
    const where = Array.isArray(d.loc) ? d.loc.map(String).join(".") : "";
    const msg = typeof d.msg === "string" ? d.msg : JSON.stringify(item);
    return where ? `${where}: ${msg}` : msg;
  }
  return String(item);
}

/** The message a person should read for an error body (any of the contract's shapes). */
export function describeErrorBody(status: number, body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === "object") {
    const obj = parsed as { detail?: unknown; message?: unknown };
    if (typeof obj.detail === "string") return obj.detail;
    if (Array.isArray(obj.detail)) return obj.detail.map(describeDetailItem).join("; ");
    if (typeof obj.message === "string") return obj.message;
  }
  const text = body.trim();
  if (text && text.length < 300) return `HTTP ${status}: ${text}`;
  return `HTTP ${status}`;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
