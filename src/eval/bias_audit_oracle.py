#!/usr/bin/python3
"""The scikit-learn oracle of the bias audit (src/eval/bias_audit.h), run by
bias_audit_oracle_test.cc on every test run: generates scores, truth and identity values with a
known bias, computes the Jigsaw Unintended Bias metrics with sklearn.metrics.roc_auc_score and
numpy's power mean (the formulas of the challenge's reference kernel, "Jigsaw Unintended Bias
in Toxicity Classification: benchmark kernel"), and writes inputs and expectations as JSON.

Usage: bias_audit_oracle.py OUT.json [SEED]
       bias_audit_oracle.py --input IN.json OUT.json   (tests/cli/bias_audit_test.cc: the scores
           `winnow classify` gave, with truth and identity values, in the same keys as OUT.json;
           writes {"expected": [...]} for them)
Exit status 77 when sklearn is not installed (the test then skips). Needs Debian python3-sklearn
(scripts/setup.sh installs it)."""
import json, math, sys

try:
    import numpy as np
    from sklearn.metrics import roc_auc_score
except ImportError:
    sys.exit(77)

POWER = -5
WEIGHT = 0.25
MIN_SUBGROUP_SIZE = 100
IDENTITY_THRESHOLD = 0.5

# name, share of annotated samples that mention it
IDENTITIES = [("male", 0.15), ("female", 0.12), ("muslim", 0.12), ("black", 0.10),
              ("christian", 0.10), ("transgender", 0.02), ("never_toxic", 0.04)]


def generate(seed, n=5000):
    rng = np.random.RandomState(seed)
    annotated = rng.rand(n) < 0.7  # the rest: every identity unknown (NaN), as in civil_comments
    ids = np.full((n, len(IDENTITIES)), np.nan)
    # Rater fractions on a grid that straddles the 0.5 cut (0.5 is in, 0.4 is out).
    grid = np.array([0.1, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0])
    for j, (_, share) in enumerate(IDENTITIES):
        mentions = rng.rand(n) < share
        vals = np.where(mentions, grid[rng.randint(0, len(grid), n)], 0.0)
        ids[annotated, j] = vals[annotated]
    member = np.nan_to_num(ids, nan=0.0) >= IDENTITY_THRESHOLD
    names = [name for name, _ in IDENTITIES]
    labels = ["toxicity", "insult"]
    truth = np.zeros((n, 2), dtype=int)
    base = rng.rand(n)
    truth[:, 0] = base < 0.2
    truth[:, 1] = (base < 0.12) | (rng.rand(n) < 0.03)
    truth[member[:, names.index("never_toxic")], :] = 0  # a subgroup with one class only
    scores = np.zeros((n, 2), dtype=np.float32)
    for k in range(2):
        y = truth[:, k]
        raw = rng.normal(0.3 + 0.4 * y, 0.18)
        # The known bias: innocent mentions of muslim score high (low BPSN), toxic text about
        # black people scores low (low BNSP); insult also over-flags transgender.
        raw += 0.25 * (member[:, names.index("muslim")] & (y == 0))
        raw -= 0.25 * (member[:, names.index("black")] & (y == 1))
        if k == 1:
            raw += 0.3 * (member[:, names.index("transgender")] & (y == 0))
        # Two decimals: many ties, which AUC must count as 1/2.
        scores[:, k] = np.round(np.clip(raw, 0, 1), 2).astype(np.float32)
    return names, labels, ids, member, truth, scores


def auc_or_none(y, s):
    if len(y) == 0 or y.min() == y.max():
        return None
    return float(roc_auc_score(y, s))


def power_mean(values):
    return float(np.power(np.mean(np.power(np.array(values, dtype=np.float64), POWER)), 1 / POWER))


def expectations(names, labels, member, truth, scores):
    out = []
    for k, label in enumerate(labels):
        y, s = truth[:, k], scores[:, k]
        overall = auc_or_none(y, s)
        subgroups, sub, bpsn, bnsp = [], [], [], []
        for j, name in enumerate(names):
            g = member[:, j]
            e = {"name": name, "size": int(g.sum()), "positives": int((g & (y == 1)).sum()),
                 # compute_subgroup_auc, compute_bpsn_auc, compute_bnsp_auc of the kernel
                 "subgroup_auc": auc_or_none(y[g], s[g]),
                 "bpsn_auc": auc_or_none(y[(~g & (y == 1)) | (g & (y == 0))],
                                         s[(~g & (y == 1)) | (g & (y == 0))]),
                 "bnsp_auc": auc_or_none(y[(~g & (y == 0)) | (g & (y == 1))],
                                         s[(~g & (y == 0)) | (g & (y == 1))])}
            e["averaged"] = (e["size"] >= MIN_SUBGROUP_SIZE and
                             None not in (e["subgroup_auc"], e["bpsn_auc"], e["bnsp_auc"]))
            if e["averaged"]:
                sub.append(e["subgroup_auc"]); bpsn.append(e["bpsn_auc"]); bnsp.append(e["bnsp_auc"])
            subgroups.append(e)
        means = [power_mean(v) for v in (sub, bpsn, bnsp)] if sub else [None, None, None]
        final = (WEIGHT * overall + WEIGHT * sum(means)) if sub and overall is not None else None
        out.append({"name": label, "overall_auc": overall, "subgroups": subgroups,
                    "power_mean": {"subgroup_auc": means[0], "bpsn_auc": means[1],
                                   "bnsp_auc": means[2]},
                    "final_metric": final})
    return out


def from_input(in_path, out_path):
    with open(in_path) as f:
        doc = json.load(f)
    global MIN_SUBGROUP_SIZE
    MIN_SUBGROUP_SIZE = doc["min_subgroup_size"]
    ids = np.array([[np.nan if v is None else v for v in row] for row in doc["identity_values"]],
                   dtype=np.float64)
    member = np.nan_to_num(ids, nan=0.0) >= IDENTITY_THRESHOLD
    truth = np.array(doc["truth"], dtype=int)
    scores = np.array(doc["scores"], dtype=np.float32)
    with open(out_path, "w") as f:
        json.dump({"expected": expectations(doc["identities"], doc["labels"], member, truth, scores)}, f)


def main():
    if sys.argv[1] == "--input":
        return from_input(sys.argv[2], sys.argv[3])
    path = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2019
    names, labels, ids, member, truth, scores = generate(seed)
    doc = {
        "sklearn_seed": seed,
        "min_subgroup_size": MIN_SUBGROUP_SIZE,
        "identities": names,
        "labels": labels,
        # float32 scores written as the exact double of each float (repr round-trips).
        "scores": [[float(x) for x in row] for row in scores],
        "truth": truth.tolist(),
        "identity_values": [[None if math.isnan(v) else float(v) for v in row] for row in ids],
        "expected": expectations(names, labels, member, truth, scores),
    }
    with open(path, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
