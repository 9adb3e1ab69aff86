// Wire shapes of the responses the dashboard reads, as the server's own /v1/openapi.json states
// them: openapi.gen.ts is generated from that document (scripts/gen_api_types.sh, checked fresh
// by ctest openapi.web_types_fresh), and every answer the integration tests see is validated
// against the same document (ctest openapi.responses). This file only names the generated
// component types the pages use; a field the server stops sending, or sends in another type,
// is a compile error in the pages instead of a blank cell. Never add a hand-written mirror here:
// change the schema in src/api/openapi.cc and regenerate.
import type { components, paths } from "./openapi.gen";

type Schemas = components["schemas"];

/** The JSON body of a route's 200 answer, e.g. `Ok<"/v1/files", "get">`. */
export type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer T } } };
}
  ? T
  : never;

/** The JSON body a route reads, e.g. `Body<"/v1/fine_tuning/jobs", "post">`. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody: { content: { "application/json": infer T } };
}
  ? T
  : never;

export type ServerInfo = Schemas["ServerInfo"];

export type FileObject = Schemas["File"];
export type FileList = Schemas["FileList"];
export type DeleteResponse = Schemas["Deleted"];
/** GET /v1/winnow/files/{id}/preview */
export type FilePreview = Schemas["FilePreview"];
/** One bad line of `winnow validate --json` (line 0: the problem is about the whole file or a head). */
export type ValidationProblem = Schemas["ValidationProblem"];
export type ValidationHead = Schemas["ValidationHead"];
/** GET /v1/winnow/files/{id}/validation: the report `winnow validate --json` prints. */
export type ValidationReport = Schemas["ValidationReport"];
export type SplitDistribution = Schemas["SplitDistribution"];
export type LabelFlagCount = SplitDistribution["labels"][number];
/** GET /v1/winnow/files/{id}/stats: what `winnow stats --json` prints for that one file. */
export type FileStats = Schemas["LabelStats"];

export type JobStatus = Schemas["JobStatus"];

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set<JobStatus>([
  "FAILED_VALIDATION",
  "FAILED",
  "SUCCESS",
  "CANCELLED",
]);

export type Hyperparameters = Schemas["Hyperparameters"];
export type JobMetadata = Schemas["JobMetadata"];
export type ClassifierTarget = Schemas["ClassifierTarget"];
export type JobEvent = Schemas["JobEvent"];
export type CheckpointMetrics = Schemas["CheckpointMetrics"];
export type Checkpoint = Schemas["Checkpoint"];
export type Job = Schemas["Job"];
export type JobList = Schemas["JobList"];
export type JobDetails = Schemas["JobDetailed"];
export type CreateJobRequest = Schemas["JobIn"];

export type ModelCard = Schemas["ModelCard"];
export type ModelList = Schemas["ModelList"];
/** PATCH /v1/fine_tuning/models/{id} */
export type FineTunedModel = Schemas["ClassifierFineTunedModel"];
export type ArchiveResponse = Schemas["ArchivedModel"];

/** Per-label row of a multi-label head report (src/eval/metrics_json.h). */
export type LabelMetrics = Schemas["LabelMetrics"];
export type MultiLabelHeadMetrics = Schemas["MultiLabelHeadMetrics"];
export type ClassMetrics = Schemas["ClassMetrics"];
export type SingleLabelHeadMetrics = Schemas["SingleLabelHeadMetrics"];
/** A head that none of the validation samples carries: no metrics, only the sample count 0. */
export type EmptyHeadMetrics = Schemas["EmptyHeadMetrics"];
export type HeadMetrics = ModelMetrics["heads"][number];
export type RocCurve = Schemas["RocCurve"];
export type PrCurve = Schemas["PrCurve"];
/** GET /v1/winnow/models/{id}/metrics (409 when the job had no validation files). */
export type ModelMetrics = Schemas["ModelMetrics"];

/** One identity subgroup of a label's bias audit (docs/bias-audit.md). An AUC is null when it is
 * undefined for the subgroup's samples (one class absent); `undefined` then says why. */
export type BiasAuditSubgroup = Schemas["BiasAuditSubgroup"];
export type BiasAuditLabel = Schemas["BiasAuditLabel"];
/** The audit of one multi-label head, as `winnow eval --identity-columns ... --json` prints it. */
export type BiasAuditHead = Schemas["BiasAuditHead"];
/** GET /v1/winnow/models/{id}/bias-audit: the audit training stored (404 when the model has none). */
export type ModelBiasAudit = Schemas["BiasAudit"];

/** POST /v1/classifications */
export type ClassificationResponse = Schemas["ClassificationResponse"];
/** One span of an explanation: UTF-8 byte offsets into the input, the exact substring, logit units. */
export type ExplanationSpan = Schemas["ExplanationSpan"];
/** One label's explanation (docs/explanations.md). */
export type LabelExplanation = Schemas["LabelExplanation"];
/** POST /v1/winnow/explain */
export type ExplainResponse = Schemas["ExplainResponse"];
