// Typed client for the routes the dashboard uses. Every method resolves with the parsed 200
// body or rejects with an ApiError carrying the server's own explanation. A 401 also calls the
// unauthorized handler (the app then asks for a key again).
import { getApiKey } from "./auth";
import { ApiError, describeErrorBody } from "./errors";
import type {
  ArchiveResponse,
  ClassificationResponse,
  CreateJobRequest,
  DeleteResponse,
  ExplainResponse,
  FileObject,
  FilePreview,
  FileStats,
  Job,
  JobDetails,
  ListResponse,
  ModelBiasAudit,
  ModelCard,
  ModelMetrics,
  ServerInfo,
  ValidationReport,
} from "./types";

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
    throw new ApiError(0, `Cannot reach the server (${e instanceof Error ? e.message : String(e)})`);
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
  info: () => request<ServerInfo>("GET", "/v1/winnow/info"),

  listFiles: () => request<ListResponse<FileObject>>("GET", "/v1/files?page_size=1000"),
  getFile: (id: string) => request<FileObject>("GET", `/v1/files/${enc(id)}`),
  uploadFile: (file: File) => {
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("purpose", "fine-tune");
    return request<FileObject>("POST", "/v1/files", form);
  },
  deleteFile: (id: string) => request<DeleteResponse>("DELETE", `/v1/files/${enc(id)}`),
  previewFile: (id: string, lines: number) =>
    request<FilePreview>("GET", `/v1/winnow/files/${enc(id)}/preview?lines=${lines}`),
  validateFile: (id: string) => request<ValidationReport>("GET", `/v1/winnow/files/${enc(id)}/validation`),
  fileStats: (id: string, head?: string) =>
    request<FileStats>("GET", `/v1/winnow/files/${enc(id)}/stats${head ? `?head=${enc(head)}` : ""}`),

  listJobs: () => request<ListResponse<Job>>("GET", "/v1/fine_tuning/jobs?page_size=100"),
  getJob: (id: string) => request<JobDetails>("GET", `/v1/fine_tuning/jobs/${enc(id)}`),
  createJob: (body: CreateJobRequest) => request<Job>("POST", "/v1/fine_tuning/jobs", body),
  startJob: (id: string) => request<JobDetails>("POST", `/v1/fine_tuning/jobs/${enc(id)}/start`),
  cancelJob: (id: string) => request<JobDetails>("POST", `/v1/fine_tuning/jobs/${enc(id)}/cancel`),

  listModels: () => request<ListResponse<ModelCard>>("GET", "/v1/models"),
  getModel: (id: string) => request<ModelCard>("GET", `/v1/models/${enc(id)}`),
  deleteModel: (id: string) => request<DeleteResponse>("DELETE", `/v1/models/${enc(id)}`),
  renameModel: (id: string, name: string | null) =>
    request<ModelCard>("PATCH", `/v1/fine_tuning/models/${enc(id)}`, { name }),
  archiveModel: (id: string) => request<ArchiveResponse>("POST", `/v1/fine_tuning/models/${enc(id)}/archive`),
  unarchiveModel: (id: string) => request<ArchiveResponse>("DELETE", `/v1/fine_tuning/models/${enc(id)}/archive`),
  modelMetrics: (id: string) => request<ModelMetrics>("GET", `/v1/winnow/models/${enc(id)}/metrics`),
  modelBiasAudit: (id: string) => request<ModelBiasAudit>("GET", `/v1/winnow/models/${enc(id)}/bias-audit`),

  classify: (model: string, input: string[]) =>
    request<ClassificationResponse>("POST", "/v1/classifications", { model, input }),
  explain: (model: string, input: string[], topK: number) =>
    request<ExplainResponse>("POST", "/v1/winnow/explain", { model, input, top_k: topK }),
};
