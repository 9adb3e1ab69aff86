// Files page: upload (drag-and-drop or picker) and the list of uploaded files.
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import type { FileObject } from "../api/types";
import { h, replace } from "../components/dom";
import { formatBytes, formatCount, formatTime } from "../components/format";
import { empty, errorBox, loading } from "../components/states";
import { link, type PageContext } from "../router";

export function renderFiles(ctx: PageContext): void {
  const listBox = h("div", { class: "list-box" });
  const uploads = h("ul", { class: "upload-log", "aria-live": "polite" });

  const refresh = async (): Promise<void> => {
    replace(listBox, loading("files"));
    try {
      const res = await api.listFiles();
      if (ctx.left) return;
      replace(listBox, fileTable(res.data, refresh));
    } catch (err) {
      if (!ctx.left) replace(listBox, errorBox(err, "Could not list files"));
    }
  };

  const upload = async (files: FileList | File[]): Promise<void> => {
    for (const file of Array.from(files)) {
      const item = h(
        "li",
        { class: "upload pending" },
        `Uploading ${file.name} (${formatBytes(file.size)})…`,
      );
      uploads.prepend(item);
      try {
        const res = await api.uploadFile(file);
        item.className = "upload ok";
        replace(
          item,
          "Uploaded ",
          h("a", { href: link("files", res.id) }, res.filename),
          ` (${formatCount(res.num_lines)} lines).`,
        );
      } catch (err) {
        item.className = "upload failed";
        item.setAttribute("role", "alert");
        replace(item, h("strong", {}, `Upload of ${file.name} failed: `), errorMessage(err));
      }
    }
    if (!ctx.left) await refresh();
  };

  const input = h("input", {
    type: "file",
    id: "file-input",
    multiple: true,
    accept: ".jsonl,.json,.gz,application/jsonl",
    class: "visually-hidden",
    tabindex: -1,
  });
  input.addEventListener("change", () => {
    if (input.files && input.files.length > 0) void upload(input.files);
    input.value = "";
  });
  const pick = h(
    "button",
    { type: "button", class: "primary", onclick: () => input.click() },
    "Choose files…",
  );
  const zone = h(
    "div",
    { class: "dropzone", "data-testid": "dropzone" },
    h("p", {}, "Drop classifier JSONL files here, or"),
    pick,
    input,
    h(
      "p",
      { class: "hint" },
      'One JSON object per line with "text" (or "messages") and "labels". Validation runs when you open a file.',
    ),
  );
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("dragging");
    if (e.dataTransfer && e.dataTransfer.files.length > 0) void upload(e.dataTransfer.files);
  });

  replace(
    ctx.root,
    h("h1", {}, "Files"),
    h(
      "section",
      { "aria-labelledby": "upload-h" },
      h("h2", { id: "upload-h" }, "Upload"),
      zone,
      uploads,
    ),
    h(
      "section",
      { "aria-labelledby": "list-h" },
      h("h2", { id: "list-h" }, "Uploaded files"),
      listBox,
    ),
  );
  void refresh();
}

function fileTable(files: FileObject[], refresh: () => Promise<void>): HTMLElement {
  if (files.length === 0) return empty("No files yet. Upload a training file above.");
  const rows = files.map((f) => {
    const del = h(
      "button",
      { type: "button", class: "danger small", "aria-label": `Delete ${f.filename}` },
      "Delete",
    );
    const status = h("span", { class: "row-status", role: "status" });
    del.addEventListener("click", async () => {
      if (!window.confirm(`Delete ${f.filename}? Jobs that used it keep their own copy.`)) return;
      del.disabled = true;
      try {
        await api.deleteFile(f.id);
        await refresh();
      } catch (err) {
        del.disabled = false;
        replace(status, errorBox(err, "Delete failed"));
      }
    });
    return h(
      "tr",
      { "data-file-id": f.id },
      h(
        "td",
        {},
        h("a", { href: link("files", f.id) }, f.filename),
        h("div", { class: "mono muted hide-phone" }, f.id),
      ),
      h("td", { class: "num" }, formatBytes(f.bytes)),
      h("td", { class: "num" }, formatCount(f.num_lines)),
      h("td", { class: "hide-phone" }, formatTime(f.created_at)),
      h(
        "td",
        { class: "actions" },
        h(
          "a",
          { class: "button small", href: `${link("data")}?files=${encodeURIComponent(f.id)}` },
          "Charts",
        ),
        del,
        status,
      ),
    );
  });
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "files-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "File"),
          h("th", { scope: "col", class: "num" }, "Size"),
          h("th", { scope: "col", class: "num" }, "Lines"),
          h("th", { scope: "col", class: "hide-phone" }, "Uploaded"),
          h("th", { scope: "col" }, "Actions"),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}
