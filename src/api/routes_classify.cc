// Classifiers: C1 classify, C2 classify chat, C3 moderate, C4 moderate chat (docs/api.md).
//
// The hot path: the model comes from the cache (no store access on a hit), texts are scored
// on the request's own thread, and the answer is built as one string from
// Classifier::to_json pieces instead of a JSON tree.
#include <algorithm>
#include <charconv>

#include "api/auth.h"
#include "api/body_fields.h"
#include "api/error_texts.h"
#include "api/openapi.h"
#include "api/responses.h"
#include "api/service_context.h"
#include "data/classifier_jsonl.h"
#include "explain/explanation_json.h"
#include "model/model.h"
#include "train/training_data.h"

namespace winnow::api {
namespace {

using nlohmann::json;

enum class InputKind { kText, kChat, kModerationChat };

// One conversation as the text the model reads (sample_text's template). nullopt after adding
// errors at `where`.
std::optional<std::string> conversation_text(const json& messages, const json& where,
                                             FieldErrors* errors) {
  if (!messages.is_array()) {
    errors->wrong_type(JsonType::kList, where, messages);
    return std::nullopt;
  }
  if (messages.empty()) {
    errors->add("too_short", where, "List should have at least 1 item after validation, not 0",
                messages);
    return std::nullopt;
  }
  ClassifierSample sample;
  bool ok = true;
  for (size_t i = 0; i < messages.size(); ++i) {
    const json& m = messages[i];
    json at = where;
    at.push_back(i);
    if (!m.is_object()) {
      errors->wrong_type(JsonType::kObject, at, m);
      ok = false;
      continue;
    }
    ChatMessage cm;
    auto role = m.find("role");
    if (role == m.end() || !role->is_string()) {
      json r = at;
      r.push_back("role");
      errors->add(role == m.end() ? "missing" : "string_type", r,
                  role == m.end() ? "Field required" : "Input should be a valid string");
      ok = false;
      continue;
    }
    cm.role = role->get<std::string>();
    auto content = m.find("content");
    if (content != m.end() && content->is_string()) {
      cm.content = content->get<std::string>();
    } else if (content != m.end() && content->is_array()) {
      for (const json& chunk : *content) {
        if (chunk.is_string()) {
          cm.content += chunk.get<std::string>();
        } else if (chunk.is_object()) {
          auto text = chunk.find("text");
          if (text != chunk.end() && text->is_string()) cm.content += text->get<std::string>();
        }
      }
    } else if (content != m.end() && !content->is_null()) {
      json c = at;
      c.push_back("content");
      errors->add("string_type", c, "Input should be a valid string or a list of content chunks",
                  *content);
      ok = false;
      continue;
    }
    sample.messages.push_back(std::move(cm));
  }
  if (!ok) return std::nullopt;
  return sample_text(sample);
}

// The texts of a request body's "input", or errors.
std::vector<std::string> request_texts(const json& body, InputKind kind, size_t max_inputs,
                                       FieldErrors* errors) {
  std::vector<std::string> texts;
  auto it = body.find("input");
  if (it == body.end() || it->is_null()) {
    errors->missing(body_loc({"input"}));
    return texts;
  }
  const json& input = *it;
  switch (kind) {
    case InputKind::kText:
      if (input.is_string()) {
        if (input.get_ref<const std::string&>().empty()) {
          errors->add("string_too_short", body_loc({"input"}),
                      "String should have at least 1 character", input);
        } else {
          texts.push_back(input.get<std::string>());
        }
        return texts;
      }
      if (!input.is_array()) {
        errors->add("string_type", body_loc({"input"}),
                    "Input should be a valid string or a list of strings", input);
        return texts;
      }
      if (input.empty()) {
        errors->add("too_short", body_loc({"input"}),
                    "List should have at least 1 item after validation, not 0", input);
        return texts;
      }
      if (input.size() > max_inputs) break;
      for (size_t i = 0; i < input.size(); ++i) {
        if (!input[i].is_string()) {
          errors->wrong_type(JsonType::kString, body_loc({"input", i}), input[i]);
        } else if (input[i].get_ref<const std::string&>().empty()) {
          errors->add("string_too_short", body_loc({"input", i}),
                      "String should have at least 1 character", input[i]);
        } else {
          texts.push_back(input[i].get<std::string>());
        }
      }
      return texts;
    case InputKind::kChat: {
      // {"messages": [...]} or a list of those.
      auto one = [&](const json& conv, json where) {
        if (!conv.is_object()) {
          errors->add("model_attributes_type", where, "Input should be an object with \"messages\"",
                      conv);
          return;
        }
        auto messages = conv.find("messages");
        where.push_back("messages");
        if (messages == conv.end()) {
          errors->missing(where);
          return;
        }
        if (auto text = conversation_text(*messages, where, errors))
          texts.push_back(std::move(*text));
      };
      if (input.is_object()) {
        one(input, body_loc({"input"}));
        return texts;
      }
      if (!input.is_array() || input.empty()) {
        errors->add(input.is_array() ? "too_short" : "model_attributes_type", body_loc({"input"}),
                    "Input should be an object with \"messages\" or a non-empty list of them",
                    input);
        return texts;
      }
      if (input.size() > max_inputs) break;
      for (size_t i = 0; i < input.size(); ++i) one(input[i], body_loc({"input", i}));
      return texts;
    }
    case InputKind::kModerationChat: {
      // [message, ...] (one conversation) or [[message, ...], ...].
      if (!input.is_array() || input.empty()) {
        errors->add(input.is_array() ? "too_short" : "list_type", body_loc({"input"}),
                    "Input should be a non-empty list of messages or of conversations", input);
        return texts;
      }
      if (input[0].is_array()) {
        if (input.size() > max_inputs) break;
        for (size_t i = 0; i < input.size(); ++i) {
          if (auto text = conversation_text(input[i], body_loc({"input", i}), errors))
            texts.push_back(std::move(*text));
        }
      } else if (auto text = conversation_text(input, body_loc({"input"}), errors)) {
        texts.push_back(std::move(*text));
      }
      return texts;
    }
  }
  errors->add("too_long", body_loc({"input"}),
              "List should have at most " + std::to_string(max_inputs) +
                  " items after validation, not " + std::to_string(input.size()));
  texts.clear();
  return texts;
}

// The fine-tuned model `model_id` from the cache (loaded on a miss), or null after sending the
// error: 400 for a base model, 404 for an unknown one.
std::shared_ptr<const LoadedModel> serving_model(ServiceContext& ctx, ApiCall& call,
                                                 const std::string& model_id) {
  for (const jobs::BaseModel& b : ctx.jobs.base_models()) {
    if (b.id == model_id) {
      send_detail(call.response, 400,
                  "Model " + model_id +
                      " is a base model: classify with a fine-tuned "
                      "classifier (ft:classifier:...)");
      return nullptr;
    }
  }
  Result<std::shared_ptr<const LoadedModel>> loaded =
      ctx.models.get(call.workspace, model_id, [&]() -> Result<std::shared_ptr<const LoadedModel>> {
        Result<store::ModelRecord> record = ctx.store.get_model(call.workspace, model_id);
        if (!record.is_ok()) return model_error(record.status());
        return load_model_for_serving(model_id, ctx.store.model_path(*record));
      });
  if (!loaded.is_ok()) {
    send_error(ctx, call, loaded.status());
    return nullptr;
  }
  return *loaded;
}

// The optional "aggregate" field (max or mean: how texts longer than the model's window score).
std::optional<ChunkAggregate> request_aggregate(const json& body, FieldErrors* errors) {
  auto it = body.find("aggregate");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) {
    Result<ChunkAggregate> a = parse_chunk_aggregate(it->get<std::string>());
    if (a.is_ok()) return *a;
  }
  errors->add("enum", body_loc({"aggregate"}), "Input should be 'max' or 'mean'", *it);
  return std::nullopt;
}

void append_float(std::string* out, float v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

void classify(ServiceContext& ctx, ApiCall& call, InputKind kind, bool moderation) {
  const json& body = call.body;
  FieldErrors errors;
  const std::optional<std::string> model_field =
      required_string_field(body, "model", body_loc({"model"}), &errors);
  std::vector<std::string> texts =
      request_texts(body, kind, ctx.options.max_inputs_per_classification, &errors);
  const std::optional<ChunkAggregate> aggregate_field = request_aggregate(body, &errors);
  if (!errors.empty()) return errors.send(call.response);
  const std::string& model_id = *model_field;
  const LongTextAggregate aggregate = !aggregate_field ? LongTextAggregate::kModel
                                      : *aggregate_field == ChunkAggregate::kMax
                                          ? LongTextAggregate::kMax
                                          : LongTextAggregate::kMean;

  std::shared_ptr<const LoadedModel> loaded = serving_model(ctx, call, model_id);
  if (!loaded) return;
  const LoadedModel& model = *loaded;
  const Classifier& clf = model.classifier;

  std::string out;
  out.reserve(96 + texts.size() * 64 * (1 + clf.heads().size()));
  out += "{\"id\":\"";
  out += random_hex_id();
  out += "\",\"model\":";
  out += dump_json(json(model_id));
  out += ",\"results\":[";
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) out += ',';
    const Classification c = clf.classify(texts[i], aggregate);
    if (!moderation) {
      out += clf.to_json(c, /*with_flags=*/false);
      continue;
    }
    // {"categories": {name: bool}, "category_scores": {name: score}}
    out += "{\"categories\":{";
    bool first = true;
    for (size_t h = 0; h < c.scores.size(); ++h) {
      const ClassifierHead& head = clf.heads()[h];
      const std::vector<float>& s = c.scores[h];
      const size_t top = static_cast<size_t>(std::max_element(s.begin(), s.end()) - s.begin());
      for (size_t k = 0; k < s.size(); ++k) {
        const bool flagged = head.multi_label ? s[k] >= head.thresholds[k] : k == top;
        if (!first) out += ',';
        first = false;
        out += model.category_names[h][k];
        out += flagged ? ":true" : ":false";
      }
    }
    out += "},\"category_scores\":{";
    first = true;
    for (size_t h = 0; h < c.scores.size(); ++h) {
      for (size_t k = 0; k < c.scores[h].size(); ++k) {
        if (!first) out += ',';
        first = false;
        out += model.category_names[h][k];
        out += ':';
        append_float(&out, c.scores[h][k]);
      }
    }
    out += "}}";
  }
  out += "]}";
  send_json_text(call.response, 200, std::move(out));
}

// POST /v1/winnow/explain: the classification body plus top_k, labels, method and aggregate;
// one explanation per input (explain/explanation_json.h).
void explain_texts(ServiceContext& ctx, ApiCall& call) {
  const json& body = call.body;
  FieldErrors errors;
  const std::optional<std::string> model_field =
      required_string_field(body, "model", body_loc({"model"}), &errors);
  // Explaining costs a forward pass per word for an encoder: fewer inputs per call.
  const size_t max_inputs = std::min<size_t>(ctx.options.max_inputs_per_classification, 64);
  std::vector<std::string> texts = request_texts(body, InputKind::kText, max_inputs, &errors);
  ExplainOptions options;
  options.aggregate = request_aggregate(body, &errors);
  const int64_t top_k = int_field(body, "top_k", body_loc({"top_k"}), 1, &errors, 100).value_or(10);
  if (auto it = body.find("method"); it != body.end() && !it->is_null()) {
    Result<ExplainMethod> m = it->is_string() ? parse_explain_method(it->get<std::string>())
                                              : Result<ExplainMethod>(Status::invalid_argument(""));
    if (m.is_ok()) {
      options.method = *m;
    } else {
      errors.add("enum", body_loc({"method"}), "Input should be 'auto', 'exact' or 'occlusion'",
                 *it);
    }
  }
  const std::optional<std::vector<std::string>> labels =
      string_list_field(body, "labels", body_loc({"labels"}), &errors);
  if (!errors.empty()) return errors.send(call.response);
  const std::string& model_id = *model_field;
  std::shared_ptr<const LoadedModel> loaded = serving_model(ctx, call, model_id);
  if (!loaded) return;
  const Model& model = *loaded->classifier.model();
  const ModelSpec& spec = model.spec();
  if (labels) {
    for (size_t i = 0; i < labels->size(); ++i) {
      const std::string& name = (*labels)[i];
      const size_t slash = name.find('/');
      const std::string head = slash == std::string::npos ? "" : name.substr(0, slash);
      const std::string label = slash == std::string::npos ? name : name.substr(slash + 1);
      bool found = false;
      for (uint32_t h = 0; h < spec.heads.size() && !found; ++h) {
        for (uint32_t k = 0; k < spec.heads[h].labels.size() && !found; ++k) {
          if ((head.empty() || spec.heads[h].name == head) && spec.heads[h].labels[k] == label) {
            options.labels.emplace_back(h, k);
            found = true;
          }
        }
      }
      if (!found) {
        errors.add("value_error", body_loc({"labels", i}),
                   "Value error, the model has no label '" + name + "'", name);
      }
    }
    if (!errors.empty()) return errors.send(call.response);
  }
  thread_local PredictScratch scratch;
  json results = json::array();
  for (const std::string& text : texts) {
    Result<Explanation> e = explain(model, text, options, &scratch);
    if (!e.is_ok()) return send_error(ctx, call, e.status());
    results.push_back(explanation_json(spec, text, *e, static_cast<size_t>(top_k)));
  }
  json out = {{"id", random_hex_id()}, {"model", model_id}, {"results", std::move(results)}};
  send_json_text(call.response, 200, dump_json(out));
}

}  // namespace

void add_classify_routes(Router& router, ServiceContext& ctx) {
  ServiceContext* c = &ctx;
  router.add({"POST", "/v1/classifications", "Classify texts (input: string or list of strings)",
              "classifiers", true, BodyKind::kJson, schema_ref("ClassificationRequest"),
              schema_ref("ClassificationResponse")},
             [c](ApiCall& call) { classify(*c, call, InputKind::kText, false); });
  router.add({"POST", "/v1/chat/classifications",
              "Classify conversations (input: {messages} or a list of them)", "classifiers", true,
              BodyKind::kJson, schema_ref("ChatClassificationRequest"),
              schema_ref("ClassificationResponse")},
             [c](ApiCall& call) { classify(*c, call, InputKind::kChat, false); });
  router.add(
      {"POST", "/v1/moderations", "Moderate texts: scores and flags per <head>/<label> category",
       "classifiers", true, BodyKind::kJson, schema_ref("ClassificationRequest"),
       schema_ref("ModerationResponse")},
      [c](ApiCall& call) { classify(*c, call, InputKind::kText, true); });
  router.add(
      {"POST", "/v1/chat/moderations",
       "Moderate conversations (input: [message...] or [[message...]...])", "classifiers", true,
       BodyKind::kJson, schema_ref("ChatModerationRequest"), schema_ref("ModerationResponse")},
      [c](ApiCall& call) { classify(*c, call, InputKind::kModerationChat, true); });
  router.add({"POST", "/v1/winnow/explain",
              "Explain scores: per flagged (or requested) label, the spans of each input that "
              "raised and lowered it",
              "winnow", true, BodyKind::kJson, schema_ref("ExplainRequest"),
              schema_ref("ExplainResponse")},
             [c](ApiCall& call) { explain_texts(*c, call); });
}

}  // namespace winnow::api
