// New job form: training files with weights, validation files, base model, training steps,
// learning rate, suffix, auto start. Posts /v1/fine_tuning/jobs and opens the job.
import { api } from "../api/client";
import type { CreateJobRequest, FileObject, ModelCard } from "../api/types";
import { h, replace, uid } from "../components/dom";
import { formatCount } from "../components/format";
import { empty, errorBox, loading } from "../components/states";
import { link, type PageContext } from "../router";

export async function renderJobCreate(ctx: PageContext): Promise<void> {
  replace(
    ctx.root,
    h("p", { class: "crumbs" }, h("a", { href: link("jobs") }, "← Jobs")),
    h("h1", {}, "New job"),
    loading("files and models"),
  );
  let files: FileObject[];
  let models: ModelCard[];
  try {
    const [f, m] = await Promise.all([api.listFiles(), api.listModels()]);
    files = f.data;
    models = m.data.filter(
      (card) => card.type === "base" && card.capabilities["fine_tuning"] !== false,
    );
  } catch (err) {
    if (!ctx.left)
      ctx.root.lastElementChild?.replaceWith(errorBox(err, "Could not load files and models"));
    return;
  }
  if (ctx.left) return;
  const form =
    files.length === 0
      ? h(
          "div",
          {},
          empty("Upload a training file first."),
          h("a", { class: "button", href: link("files") }, "Go to Files"),
        )
      : jobForm(files, models);
  ctx.root.lastElementChild?.replaceWith(form);
}

function fileOptions(files: FileObject[], selected?: string): HTMLOptionElement[] {
  return files.map((f) =>
    h(
      "option",
      { value: f.id, selected: f.id === selected },
      `${f.filename} (${formatCount(f.num_lines)} lines)`,
    ),
  );
}

function jobForm(files: FileObject[], models: ModelCard[]): HTMLElement {
  const trainRows = h("div", { class: "train-rows" });
  const addTrainRow = (fileId?: string): void => {
    const fileSel = uid("train-file");
    const weightId = uid("train-weight");
    const row = h(
      "div",
      { class: "train-row" },
      h("label", { for: fileSel }, "Training file"),
      h(
        "select",
        { id: fileSel, name: "training_file", required: true },
        fileOptions(files, fileId),
      ),
      h("label", { for: weightId }, "Weight"),
      h("input", {
        id: weightId,
        name: "weight",
        type: "number",
        min: "0.001",
        step: "any",
        value: "1",
        required: true,
        class: "narrow",
      }),
    );
    const remove = h(
      "button",
      { type: "button", class: "small", "aria-label": "Remove this training file" },
      "Remove",
    );
    remove.addEventListener("click", () => {
      row.remove();
      syncRemove();
    });
    row.appendChild(remove);
    trainRows.appendChild(row);
    syncRemove();
  };
  // A job needs a training file: the last row cannot be removed.
  const syncRemove = (): void => {
    const buttons = trainRows.querySelectorAll<HTMLButtonElement>(".train-row button");
    for (const b of buttons) b.hidden = buttons.length === 1;
  };
  const guessTrain = files.find((f) => /train/i.test(f.filename)) ?? files[0];
  addTrainRow(guessTrain?.id);

  const validationList = h(
    "ul",
    { class: "checklist" },
    files.map((f) => {
      const id = uid("valid");
      return h(
        "li",
        {},
        h("input", {
          type: "checkbox",
          id,
          name: "validation_file",
          value: f.id,
          checked: /valid/i.test(f.filename),
        }),
        h("label", { for: id }, f.filename),
      );
    }),
  );

  const modelId = uid("model");
  const stepsId = uid("steps");
  const lrId = uid("lr");
  const suffixId = uid("suffix");
  const autoId = uid("auto");
  const defaultModel = models.find((m) => m.id === "ministral-3b-latest") ?? models[0];
  const status = h("div", { class: "form-status", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary" }, "Create job");

  const form = h(
    "form",
    { class: "job-form", novalidate: false },
    h(
      "fieldset",
      {},
      h("legend", {}, "Training files"),
      trainRows,
      h(
        "button",
        { type: "button", class: "small", onclick: () => addTrainRow() },
        "Add a training file",
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Validation files"),
      validationList,
      h(
        "p",
        { class: "hint" },
        "Used to pick the best checkpoint, tune thresholds and draw the model's metrics.",
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Model and hyperparameters"),
      h(
        "div",
        { class: "grid-form" },
        h("label", { for: modelId }, "Base model"),
        h(
          "select",
          { id: modelId, name: "model", required: true },
          models.map((m) =>
            h("option", { value: m.id, selected: m.id === defaultModel?.id }, m.id),
          ),
        ),
        h("label", { for: stepsId }, "Training steps"),
        h("input", {
          id: stepsId,
          name: "training_steps",
          type: "number",
          min: "1",
          step: "1",
          value: "100",
          required: true,
        }),
        h("label", { for: lrId }, "Learning rate"),
        h("input", {
          id: lrId,
          name: "learning_rate",
          type: "number",
          min: "0.00000001",
          max: "1",
          step: "any",
          value: "0.0001",
          required: true,
        }),
        h("label", { for: suffixId }, "Suffix (optional)"),
        h("input", {
          id: suffixId,
          name: "suffix",
          type: "text",
          maxlength: "18",
          placeholder: "e.g. moderation-v1",
        }),
      ),
      h(
        "p",
        {},
        h("input", { type: "checkbox", id: autoId, name: "auto_start", checked: true }),
        h("label", { for: autoId }, " Start training as soon as validation passes (auto start)"),
      ),
    ),
    submit,
    status,
  );

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const weights = fd.getAll("weight").map((w) => Number(w));
    const training = fd
      .getAll("training_file")
      .map((id, i) => ({ file_id: String(id), weight: weights[i] ?? 1 }));
    const body: CreateJobRequest = {
      model: String(fd.get("model") ?? ""),
      job_type: "classifier",
      training_files: training,
      validation_files: fd.getAll("validation_file").map(String),
      hyperparameters: {
        training_steps: Number(fd.get("training_steps")),
        learning_rate: Number(fd.get("learning_rate")),
      },
      auto_start: fd.get("auto_start") !== null,
    };
    const suffix = String(fd.get("suffix") ?? "").trim();
    if (suffix) body.suffix = suffix;
    submit.disabled = true;
    replace(status, loading("— creating the job"));
    try {
      const job = await api.createJob(body);
      window.location.hash = link("jobs", job.id);
    } catch (err) {
      submit.disabled = false;
      replace(status, errorBox(err, "The job was not created"));
    }
  });
  return form;
}
