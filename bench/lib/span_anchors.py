#!/usr/bin/python3
"""Span anchors for bench/explain.sh: what simple rules score against the raters' toxic spans.

Usage: span_anchors.py TRAIN.csv SPANS_TRAIN.jsonl TUNE.csv SPANS_TUNE.jsonl TEST.csv SPANS_TEST.jsonl

Prints one JSON object: {"lexicon": {...}, "whole_post": {...}, "no_span": {...}}, each with the
test split's span F1 (SemEval-2021 Task 5: mean over posts of the per-post character F1; a post
with no gold and no predicted character scores 1) and, for the lexicon, the lexicon's size and
the cut that was chosen.

The lexicon is "every word of a fixed toxic lexicon": a word (lower-cased \\w+ run) is in it when
at least MIN_COUNT of its occurrences in the training posts were rated, and at least SHARE of
those lie inside a gold span. The lexicon is built from the training split's gold spans (the
rationales themselves, which Winnow's explanations never see: a strong anchor), and (MIN_COUNT,
SHARE) is chosen on the tuning split, the way Winnow's span rule is; both are scored on the test
split. Offsets are code points, as in the shared files.
"""
import csv
import json
import re
import sys

WORD = re.compile(r"\w+")


def read_posts(csv_path, spans_path):
    with open(csv_path, newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    gold = []
    with open(spans_path, encoding="utf-8") as f:
        for line in f:
            chars = set()
            for start, end in json.loads(line)["spans"]:
                chars.update(range(start, end))
            gold.append(chars)
    if len(texts) != len(gold):
        sys.exit(f"span_anchors.py: {csv_path} has {len(texts)} posts but {spans_path} {len(gold)}")
    return texts, gold


def post_f1(predicted, gold):
    if not gold and not predicted:
        return 1.0
    if not gold or not predicted:
        return 0.0
    hit = len(predicted & gold)
    if hit == 0:
        return 0.0
    p = hit / len(predicted)
    r = hit / len(gold)
    return 2 * p * r / (p + r)


def mean_f1(predictions, golds):
    return sum(post_f1(p, g) for p, g in zip(predictions, golds)) / max(len(golds), 1)


def word_stats(texts, golds):
    """word -> [occurrences, occurrences inside gold] (a word is inside when most chars are)."""
    stats = {}
    for text, gold in zip(texts, golds):
        for m in WORD.finditer(text):
            w = m.group(0).lower()
            inside = sum(1 for i in range(m.start(), m.end()) if i in gold) * 2 > m.end() - m.start()
            s = stats.setdefault(w, [0, 0])
            s[0] += 1
            s[1] += inside
    return stats


def lexicon_predictions(texts, lexicon):
    out = []
    for text in texts:
        chars = set()
        for m in WORD.finditer(text):
            if m.group(0).lower() in lexicon:
                chars.update(range(m.start(), m.end()))
        out.append(chars)
    return out


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    train_texts, train_gold = read_posts(sys.argv[1], sys.argv[2])
    tune_texts, tune_gold = read_posts(sys.argv[3], sys.argv[4])
    test_texts, test_gold = read_posts(sys.argv[5], sys.argv[6])
    stats = word_stats(train_texts, train_gold)

    best = None
    for min_count in (1, 2, 3, 5, 10):
        for share in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            lexicon = {w for w, (n, k) in stats.items() if n >= min_count and k >= share * n}
            f1 = mean_f1(lexicon_predictions(tune_texts, lexicon), tune_gold)
            if best is None or f1 > best[0]:
                best = (f1, min_count, share, lexicon)
    tune_f1, min_count, share, lexicon = best
    result = {
        "lexicon": {
            "span_f1": mean_f1(lexicon_predictions(test_texts, lexicon), test_gold),
            "tune_span_f1": tune_f1,
            "words": len(lexicon),
            "min_count": min_count,
            "min_share_inside": share,
        },
        "whole_post": {"span_f1": mean_f1([set(range(len(t))) for t in test_texts], test_gold)},
        "no_span": {"span_f1": mean_f1([set() for _ in test_texts], test_gold)},
        "posts": len(test_texts),
        "posts_with_gold": sum(1 for g in test_gold if g),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
