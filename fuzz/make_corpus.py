#!/usr/bin/env python3
"""Regenerates the committed seed corpora in fuzz/corpus/<target>/ from synthetic inputs.

Usage: fuzz/make_corpus.py WINNOW_BINARY
       fuzz/make_corpus.py --parquet      (only fuzz/corpus/parquet_reader/; needs node)
Every seed is made here (no dataset is copied); the model seeds come from training tiny models
with the given `winnow` binary on a synthetic file. Seeds are small (a few hundred bytes; the
models a few KiB) so the corpus stays well under 1 MB.
"""
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


CSV_SEEDS = {
    "civil.csv": 'id,text,toxicity,severe_toxicity,obscene,threat,insult,identity_attack,sexual_explicit\n'
                 '1,"You are an idiot.",0.9,0.1,0.0,0.0,0.8,0.0,0.0\n'
                 '2,Thanks for the article,0.0,0.0,0.0,0.0,0.0,0.0,0.0\n'
                 '3,"He said ""no"", twice",0.25,,0,0,0.1,0,0\n',
    "kaggle.csv": 'id,target,comment_text,insult\n7,0.5,"multi\nline, quoted",0.2\n8,True,plain,False\n',
    "jigsaw.csv": 'id,comment_text,toxic,severe_toxic,obscene,threat,insult,identity_hate\n'
                  'a,hello,0,0,0,0,0,0\r\nb,"crlf ""quoted""",1,0,1,0,1,0\r\n',
    "bom_blank.csv": '\ufefftext,toxicity\n\nnice one,0\n\n"",nan\n',
    "errors.csv": 'text,toxicity\n"unterminated,0.1\n',
    "bad_after_quote.csv": 'text,toxicity\n"a"b,0.1\n',
    "utf8.csv": 'text,toxicity,insult\n"caf\u00e9 \U0001F600",1e-3,+0.5\nx,-1,inf\n',
    "bare_cr.csv": 'text,toxicity\rone,0.1\rtwo,0.2',
    "field_count.csv": 'text,toxicity\none,0.1,extra\n',
}

JSONL_SEEDS = {
    "single.jsonl": [{"text": "I love pizza", "labels": {"food": "italian"}},
                     {"text": "Tacos!", "labels": {"food": "mexican"}}],
    "multi.jsonl": [{"text": "spicy sweet", "labels": {"taste": ["spicy", "sweet"], "country": "mx"}},
                    {"text": "plain", "labels": {"taste": ["bland"], "country": "it"}}],
    "messages.jsonl": [{"messages": [{"role": "user", "content": "hello"},
                                     {"role": "assistant", "content": "hi"}],
                        "labels": {"moderation": ["safe"]}, "extra": 1},
                       {"messages": [{"role": "user", "content": "go away"}],
                        "labels": {"moderation": ["toxicity", "insult"]}}],
}

JSONL_RAW = {
    "errors.jsonl": '{"text": "", "labels": {"a": "b"}}\n'
                    '{"text": "x", "labels": {"a": ["b", "b"]}}\n'
                    '{"text": "x", "text": "y", "labels": {}}\n'
                    '[1, 2]\n'
                    '{"text": "x", "labels": {"a": 1}}\n'
                    '{"text": "x", "labels": {"a": "b"}, \n'
                    '{"text": "big", "labels": {"a": "b"}, "n": 1e400}\n'
                    '   \t \r\n'
                    '{"messages": [{"role": "", "content": "x"}], "labels": {"a": "b"}}\n',
    "crlf_bom.jsonl": '\ufeff{"text": "a", "labels": {"h": "x"}}\r\n{"text": "b", "labels": {"h": "y"}}\r\n',
}

SCORE_JSONL = {
    "rows.jsonl": '{"row_idx": 0, "row": {"text": "hello", "toxicity": 0.1, "insult": null}}\n'
                  '{"row_idx": 1, "row": {"text": "you idiot", "toxicity": 0.9, "insult": 0.8}}\n',
    "flat.jsonl": '{"comment_text": "a", "toxic": 1, "obscene": false}\n{"comment_text": "b", "toxic": 0, "obscene": true}\n',
}


def jsonl(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def gz(data, **kw):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, **kw) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def parquet_seeds():
    """Small Parquet files written by a real writer (tests/parquet/write_parquet.mjs, npm
    parquet-wasm): the civil_comments layout with float32 scores and nulls, each codec, data
    pages v1 and v2, dictionary and PLAIN pages, several row groups, an empty file, a cut one."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([os.path.join(repo, "scripts", "npm_ci.sh"), "tests/parquet"], check=True)
    d = os.path.join(ROOT, "parquet_reader")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    labels = ["toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack",
              "sexual_explicit"]
    columns = [{"name": "id", "type": "int64", "nullable": False}, {"name": "text", "type": "utf8"}]
    columns += [{"name": l, "type": "float32"} for l in labels]
    rows = []
    for i in range(6):
        text = None if i == 4 else ["You are an idiot.", "Thanks!", "caf\u00e9 \"quoted\"", "Thanks!"][i % 4]
        rows.append([i, text] + [None if (i == 2 and k == 3) else ((i * (k + 3)) % 13) / 12 for k in range(7)])
    mixed_columns = [{"name": "text", "type": "large_utf8"}, {"name": "toxicity", "type": "float64"},
                     {"name": "insult", "type": "bool"}, {"name": "n", "type": "int32"}]
    mixed_rows = [["a", 0.5, True, 1], [None, None, None, None], ["bb", 0.25, False, -7]]
    specs = []
    for name, options in [("snappy_v1_dict", {"compression": "snappy"}),
                          ("zstd_v2_dict", {"compression": "zstd", "writer_version": 2, "row_group_rows": 2}),
                          ("gzip_v1_plain", {"compression": "gzip", "dictionary": False}),
                          ("uncompressed_v2_plain", {"compression": "uncompressed", "writer_version": 2,
                                                     "dictionary": False, "encoding": "plain",
                                                     "data_page_bytes": 64, "write_batch_rows": 2})]:
        specs.append(dict(out=os.path.join(d, name + ".parquet"), columns=columns, rows=rows,
                          statistics="none", **options))
    specs.append(dict(out=os.path.join(d, "mixed_types.parquet"), columns=mixed_columns, rows=mixed_rows,
                      compression="snappy", writer_version=2, statistics="none"))
    specs.append(dict(out=os.path.join(d, "empty.parquet"), columns=columns, rows=[], statistics="none"))
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "spec.json")
        with open(spec, "w") as f:
            json.dump(specs, f)
        subprocess.run(["node", os.path.join(repo, "tests", "parquet", "write_parquet.mjs"), spec], check=True)
    with open(os.path.join(d, "snappy_v1_dict.parquet"), "rb") as f:
        whole = f.read()
    write("parquet_reader", "cut.parquet", whole[: len(whole) * 2 // 3] + whole[-8:])


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--parquet":
        parquet_seeds()  # only fuzz/corpus/parquet_reader (needs node)
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    winnow = sys.argv[1]
    shutil.rmtree(ROOT, ignore_errors=True)
    parquet_seeds()
    for name, text in CSV_SEEDS.items():
        write("csv_reader", name, text)
        write("score_reader", name, text)
    for name, text in SCORE_JSONL.items():
        write("score_reader", name, text)
    for name, rows in JSONL_SEEDS.items():
        write("classifier_jsonl", name, jsonl(rows))
    for name, text in JSONL_RAW.items():
        write("classifier_jsonl", name, text)
    write("classifier_jsonl", "bad_utf8.jsonl", b'{"text": "bad \xff utf8", "labels": {"a": "b"}}\n')
    # gzip: one member, two members (as `cat a.gz b.gz`), a stored block, the empty stream,
    # a truncated stream, trailing garbage.
    a = gz(CSV_SEEDS["civil.csv"])
    b = gz(jsonl(JSONL_SEEDS["single.jsonl"]), compresslevel=1)
    write("gzip_source", "one_member.gz", a)
    write("gzip_source", "two_members.gz", a + b)
    write("gzip_source", "stored.gz", gz("line one\r\nline two\n", compresslevel=0))
    write("gzip_source", "empty.gz", gz(b""))
    write("gzip_source", "truncated.gz", a[: len(a) // 2])
    write("gzip_source", "trailing_garbage.gz", b + b"\x00\x00garbage")
    write("gzip_source", "repetitive.gz", gz("abc\n" * 2000))

    # Models: trained on a synthetic file with 8 hash bits (256 buckets) so they stay small.
    with tempfile.TemporaryDirectory() as tmp:
        train = os.path.join(tmp, "train.jsonl")
        rows = []
        words = ["good", "bad", "idiot", "thanks", "pizza", "hate", "love", "great"]
        for i in range(40):
            text = " ".join(words[(i * k) % len(words)] for k in range(1, 5))
            rows.append({"text": text, "labels": {
                "moderation": ["toxicity", "insult"] if i % 3 == 0 else ["safe"],
                "topic": ["food", "other", "news"][i % 3]}})
        with open(train, "w") as f:
            f.write(jsonl(rows))
        for name, extra in {"multi_single.winnow": [],
                            "normalized_words.winnow": ["--normalized-scores", "--char-ngrams", "0"],
                            "chars_only.winnow": ["--word-ngrams", "0", "--char-ngrams", "3-3"]}.items():
            out = os.path.join(tmp, name)
            subprocess.run([winnow, "train", "--train", train, "--out", out, "--hash-bits", "8",
                            "--training-steps", "5", "--threads", "1", "--quiet", *extra],
                           stdout=subprocess.DEVNULL,
                           check=True)
            with open(out, "rb") as f:
                model = f.read()
            write("model_loader", name, model)
            # The metadata JSON alone: the target wraps it into a well-formed file.
            meta_bytes = int.from_bytes(model[32:40], "little")
            write("model_loader", name.replace(".winnow", ".json"), model[64:64 + meta_bytes])
        write("model_loader", "truncated.winnow", model[: len(model) // 2])
        write("model_loader", "header_only.winnow", model[:64])
        write("model_loader", "not_a_model.bin", b"PK\x03\x04 a zip file, not a model")


if __name__ == "__main__":
    main()
