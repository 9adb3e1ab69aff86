// Wire shapes of the responses the dashboard reads: the Mistral-compatible routes
// (/work/shared/docs/mistral-api.md, mirrored in docs/dashboard.md) and Winnow's extension
// routes under /v1/winnow/. Only the fields the pages use are typed; the server may send more.

export interface ServerInfo {
  version: string;
  auth_required: boolean;
}

export interface FileObject {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  num_lines?: number | null;
  mimetype?: string | null;
  signature?: string | null;
}

export interface ListResponse<T> {
  object: "list";
  data: T[];
  total?: number | null;
}

export interface DeleteResponse {
  id: string;
  object: string;
  deleted: boolean;
}

/** GET /v1/winnow/files/{id}/preview */
export interface FilePreview {
  lines: string[];
  total_lines: number;
}

/** One bad line of `winnow validate --json` (line 0: the problem is about the whole file or a head). */
export interface ValidationProblem {
  file: string;
  line: number;
  message: string; // "<field>: <problem>"
}

export interface ValidationHead {
  name: string;
  multi_label: boolean;
  samples: number;
  labels: { name: string; count: number }[];
}

/** GET /v1/winnow/files/{id}/validation: the report `winnow validate --json` prints. */
export interface ValidationReport {
  problems: ValidationProblem[];
  valid?: boolean;
  error?: string; // the file could not be read at all
  files?: { path: string; lines: number; samples: number; problems: number }[];
  lines?: number;
  samples?: number;
  problem_count?: number;
  heads?: ValidationHead[];
}

export interface LabelFlagCount {
  label: string;
  flagged: number;
  not_flagged: number;
}

export interface SplitDistribution {
  name: string;
  file: string;
  samples: number;
  no_flags: number;
  flagged: number;
  labels: LabelFlagCount[];
}

/** GET /v1/winnow/files/{id}/stats: what `winnow stats --json` prints for that one file. */
export interface FileStats {
  head: string;
  safe_label: string;
  heads: string[];
  splits: SplitDistribution[];
}

export type JobStatus =
  | "QUEUED"
  | "STARTED"
  | "VALIDATING"
  | "VALIDATED"
  | "RUNNING"
  | "FAILED_VALIDATION"
  | "FAILED"
  | "SUCCESS"
  | "CANCELLED"
  | "CANCELLATION_REQUESTED";

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  "FAILED_VALIDATION",
  "FAILED",
  "SUCCESS",
  "CANCELLED",
]);

export interface Hyperparameters {
  training_steps?: number | null;
  learning_rate?: number | null;
  weight_decay?: number | null;
  warmup_fraction?: number | null;
  epochs?: number | null;
  seq_len?: number | null;
}

export interface JobMetadata {
  expected_duration_seconds?: number | null;
  cost?: number | null;
  cost_currency?: string | null;
  train_tokens_per_step?: number | null;
  train_tokens?: number | null;
  data_tokens?: number | null;
  estimated_start_time?: number | null;
}

export interface ClassifierTarget {
  name: string;
  labels: string[];
  weight: number;
  loss_function: string;
}

export interface JobEvent {
  name: string;
  data: { status?: string; error?: string; [key: string]: unknown } | null;
  created_at: number;
}

export interface CheckpointMetrics {
  train_loss?: number | null;
  valid_loss?: number | null;
  valid_mean_token_accuracy?: number | null;
  valid_macro_roc_auc?: number | null;
}

export interface Checkpoint {
  metrics: CheckpointMetrics;
  step_number: number;
  created_at: number;
}

export interface Job {
  id: string;
  object?: "job";
  job_type: string;
  auto_start: boolean;
  model: string;
  status: JobStatus | string;
  created_at: number;
  modified_at: number;
  training_files: string[];
  validation_files?: string[] | null;
  fine_tuned_model?: string | null;
  suffix?: string | null;
  trained_tokens?: number | null;
  metadata?: JobMetadata | null;
  hyperparameters: Hyperparameters;
}

export interface JobDetails extends Job {
  events?: JobEvent[];
  checkpoints?: Checkpoint[];
  classifier_targets: ClassifierTarget[];
}

export interface CreateJobRequest {
  model: string;
  job_type: "classifier";
  training_files: { file_id: string; weight: number }[];
  validation_files: string[];
  hyperparameters: { training_steps?: number; learning_rate: number };
  auto_start: boolean;
  suffix?: string;
}

export interface ModelCard {
  id: string;
  object?: string;
  created?: number;
  owned_by?: string;
  type: "base" | "fine-tuned";
  name?: string | null;
  description?: string | null;
  job?: string;
  root?: string;
  archived?: boolean;
  capabilities: Record<string, boolean>;
}

export interface ArchiveResponse {
  id: string;
  object: string;
  archived: boolean;
}

/** Per-label row of a multi-label head report (src/eval/metrics_json.h). */
export interface LabelMetrics {
  name: string;
  positives: number;
  negatives: number;
  roc_auc: number | null;
  average_precision: number | null;
  threshold: number | null;
  precision: number;
  recall: number;
  f1: number;
}

export interface MultiLabelHeadMetrics {
  kind: "multi_label";
  head: string;
  samples: number;
  threshold_rule?: string;
  labels: LabelMetrics[];
  macro: { roc_auc: number | null; average_precision: number | null; f1: number; precision: number; recall: number };
}

export interface ClassMetrics {
  name: string;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
  /** Present when the server also computes one-vs-rest ranking metrics for single-label heads. */
  roc_auc?: number | null;
  average_precision?: number | null;
  threshold?: number | null;
}

export interface SingleLabelHeadMetrics {
  kind: "single_label";
  head: string;
  samples: number;
  accuracy: number;
  classes: ClassMetrics[];
  macro: { precision: number; recall: number; f1: number };
}

export type HeadMetrics = MultiLabelHeadMetrics | SingleLabelHeadMetrics;

export interface RocCurve {
  threshold: (number | null)[];
  fpr: number[];
  tpr: number[];
}

export interface PrCurve {
  threshold: (number | null)[];
  precision: number[];
  recall: number[];
}

/** GET /v1/winnow/models/{id}/metrics (409 when the job had no validation files). */
export interface ModelMetrics {
  model: string;
  heads: HeadMetrics[];
  curves: Record<string, { roc?: RocCurve; pr?: PrCurve }>;
}

/** One identity subgroup of a label's bias audit (docs/bias-audit.md). An AUC is null when it is
 * undefined for the subgroup's samples (one class absent); `undefined` then says why. */
export interface BiasAuditSubgroup {
  name: string;
  size: number;
  positives: number;
  negatives: number;
  unannotated: number;
  subgroup_auc: number | null;
  bpsn_auc: number | null;
  bnsp_auc: number | null;
  undefined: Record<string, string>;
  /** In the power means: at least min_subgroup_size samples and all three AUCs defined. */
  averaged: boolean;
  not_averaged_reason: string | null;
}

export interface BiasAuditLabel {
  name: string;
  samples: number;
  positives: number;
  overall_auc: number | null;
  subgroups: BiasAuditSubgroup[];
  subgroups_averaged: number;
  power_mean: { subgroup_auc: number | null; bpsn_auc: number | null; bnsp_auc: number | null };
  /** Jigsaw's final bias metric; null (with final_metric_note) when no subgroup is averaged. */
  final_metric: number | null;
  final_metric_note: string | null;
}

/** The audit of one multi-label head, as `winnow eval --identity-columns ... --json` prints it. */
export interface BiasAuditHead {
  head: string;
  samples: number;
  identities: string[];
  identity_threshold: number;
  min_subgroup_size: number;
  power: number;
  weights: { overall_auc: number; subgroup_auc: number; bpsn_auc: number; bnsp_auc: number };
  labels: BiasAuditLabel[];
}

/** GET /v1/winnow/models/{id}/bias-audit: the audit training stored (404 when the model has none). */
export interface ModelBiasAudit {
  model: string;
  job: string;
  bias_audit: BiasAuditHead[];
}

/** POST /v1/classifications */
export interface ClassificationResponse {
  id: string;
  model: string;
  results: Record<string, { scores: Record<string, number> }>[];
}

/** One span of an explanation: UTF-8 byte offsets into the input, the exact substring, logit units. */
export interface ExplanationSpan {
  start: number;
  end: number;
  text: string;
  contribution: number;
}

/** One label's explanation (docs/explanations.md). */
export interface LabelExplanation {
  head: string;
  label: string;
  score: number;
  flagged: boolean;
  value: number;
  base: number;
  raised: ExplanationSpan[];
  lowered: ExplanationSpan[];
}

/** POST /v1/winnow/explain */
export interface ExplainResponse {
  id: string;
  model: string;
  results: { method: string; chunks: number; labels: LabelExplanation[] }[];
}
