// Typed client for the routes the dashboard uses. Every method resolves with the parsed 200
// body, typed by its route from the server's OpenAPI document (types.ts Ok/Body), or rejects with an ApiError carrying the server's own explanation. A 401 also calls the
// unauthorized handler (the app then asks for a key again).
import { getApiKey } from "./auth";
import { ApiError, describeErrorBody } from "./errors";
import type { Body, Ok } from "./types";

type Method = "GET" | "POST" | "PATCH" | "DELETE";

let onUnauthorized: () => void = () => {};

/** Called after any 401 answer (wrong or missing key). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const enc = encodeURIComponent;

async function request<T>(method: Method, path: string, body?: BodyInit | object): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const key = getApiKey();
  if (key) headers["Authorization"] = `Bearer ${key}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch (e) {
    throw new ApiError(
      0,
      `Cannot reach the server (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const text = await res.text();
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, describeErrorBody(res.status, text));
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, `The server sent a response that is not JSON (${path})`);
  }
}

export const api = {
  info: () => request<Ok<"/v1/winnow/info", "get">>("GET", "/v1/winnow/info"),

  listFiles: () => request<Ok<"/v1/files", "get">>("GET", "/v1/files?page_size=1000"),
  getFile: (id: string) => request<Ok<"/v1/files/{file_id}", "get">>("GET", `/v1/files/${enc(id)}`),
  uploadFile: (file: File) => {
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("purpose", "fine-tune");
    return request<Ok<"/v1/files", "post">>("POST", "/v1/files", form);
  },
  deleteFile: (id: string) =>
    request<Ok<"/v1/files/{file_id}", "delete">>("DELETE", `/v1/files/${enc(id)}`),
  previewFile: (id: string, lines: number) =>
    request<Ok<"/v1/winnow/files/{file_id}/preview", "get">>(
      "GET",
      `/v1/winnow/files/${enc(id)}/preview?lines=${lines}`,
    ),
  validateFile: (id: string) =>
    request<Ok<"/v1/winnow/files/{file_id}/validation", "get">>(
      "GET",
      `/v1/winnow/files/${enc(id)}/validation`,
    ),
  fileStats: (id: string, head?: string) =>
    request<Ok<"/v1/winnow/files/{file_id}/stats", "get">>(
      "GET",
      `/v1/winnow/files/${enc(id)}/stats${head ? `?head=${enc(head)}` : ""}`,
    ),

  listJobs: () =>
    request<Ok<"/v1/fine_tuning/jobs", "get">>("GET", "/v1/fine_tuning/jobs?page_size=100"),
  getJob: (id: string) =>
    request<Ok<"/v1/fine_tuning/jobs/{job_id}", "get">>("GET", `/v1/fine_tuning/jobs/${enc(id)}`),
  createJob: (body: Body<"/v1/fine_tuning/jobs", "post">) =>
    request<Ok<"/v1/fine_tuning/jobs", "post">>("POST", "/v1/fine_tuning/jobs", body),
  startJob: (id: string) =>
    request<Ok<"/v1/fine_tuning/jobs/{job_id}/start", "post">>(
      "POST",
      `/v1/fine_tuning/jobs/${enc(id)}/start`,
    ),
  cancelJob: (id: string) =>
    request<Ok<"/v1/fine_tuning/jobs/{job_id}/cancel", "post">>(
      "POST",
      `/v1/fine_tuning/jobs/${enc(id)}/cancel`,
    ),

  listModels: () => request<Ok<"/v1/models", "get">>("GET", "/v1/models"),
  getModel: (id: string) =>
    request<Ok<"/v1/models/{model_id}", "get">>("GET", `/v1/models/${enc(id)}`),
  deleteModel: (id: string) =>
    request<Ok<"/v1/models/{model_id}", "delete">>("DELETE", `/v1/models/${enc(id)}`),
  renameModel: (id: string, name: string | null) =>
    request<Ok<"/v1/fine_tuning/models/{model_id}", "patch">>(
      "PATCH",
      `/v1/fine_tuning/models/${enc(id)}`,
      {
        name,
      } satisfies Body<"/v1/fine_tuning/models/{model_id}", "patch">,
    ),
  archiveModel: (id: string) =>
    request<Ok<"/v1/fine_tuning/models/{model_id}/archive", "post">>(
      "POST",
      `/v1/fine_tuning/models/${enc(id)}/archive`,
    ),
  unarchiveModel: (id: string) =>
    request<Ok<"/v1/fine_tuning/models/{model_id}/archive", "delete">>(
      "DELETE",
      `/v1/fine_tuning/models/${enc(id)}/archive`,
    ),
  modelMetrics: (id: string) =>
    request<Ok<"/v1/winnow/models/{model_id}/metrics", "get">>(
      "GET",
      `/v1/winnow/models/${enc(id)}/metrics`,
    ),
  modelBiasAudit: (id: string) =>
    request<Ok<"/v1/winnow/models/{model_id}/bias-audit", "get">>(
      "GET",
      `/v1/winnow/models/${enc(id)}/bias-audit`,
    ),

  classify: (model: string, input: string[]) =>
    request<Ok<"/v1/classifications", "post">>("POST", "/v1/classifications", {
      model,
      input,
    } satisfies Body<"/v1/classifications", "post">),
  explain: (model: string, input: string[], topK: number) =>
    request<Ok<"/v1/winnow/explain", "post">>("POST", "/v1/winnow/explain", {
      model,
      input,
      top_k: topK,
    } satisfies Body<"/v1/winnow/explain", "post">),
};
