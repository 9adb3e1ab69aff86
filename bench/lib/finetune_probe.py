"""What fine-tuning Universal Sentence Encoder Lite would give on a binary label: a measurement,
not part of Winnow. Ports the same network as src/encoder/use_lite.h to PyTorch (checked
against the package's JavaScript by bench/finetune_probe.sh before training), fine-tunes layer 1
and the tanh layer with a linear head on the embedding, and prints test ROC-AUC of the
fine-tuned encoder alone, of TF-IDF + logistic regression alone, and of their logit average
with the weight chosen on the tune split.

Usage: finetune_probe.py --check PACKAGE_DIST_DIR < reference.jsonl
       finetune_probe.py PACKAGE_DIST_DIR WORK_DIR   (WORK_DIR holds {train,tune,test}.jsonl and
the tokenizer's {split}.ids files written by bench/finetune_probe.sh)
Environment: EPOCHS (2), LR (5e-5), THREADS (2), MAX_TRAIN (all), TRAIN_PIECES (128: pieces
per text read while fine-tuning; scoring always reads 128, as the encoder does).
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

APPLY = "module_apply_default/Encoder_en/KonaTransformer/Encode/"
STACK = APPLY + "TransformerStack/"
MODULE = "module/Encoder_en/KonaTransformer/Encode/"


def load_tfjs(dist):
    """Every tensor of the TF.js weights manifest, by name (float32 and int32 only)."""
    manifest = json.load(open(os.path.join(dist, "model.json")))
    tensors = {}
    for group in manifest["weightsManifest"]:
        data = b"".join(open(os.path.join(dist, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = int(np.prod(w["shape"])) if w["shape"] else 1
            dtype = {"float32": np.float32, "int32": np.int32}[w["dtype"]]
            tensors[w["name"]] = np.frombuffer(data, dtype, count, offset).reshape(w["shape"]).copy()
            offset += count * 4
    return tensors


def param(a):
    return nn.Parameter(torch.tensor(a, dtype=torch.float32))


class Layer(nn.Module):
    def __init__(self, w, index, d_in):
        super().__init__()
        layer = f"Layer_{index}/TransformerLayer/"
        ln = APPLY + layer + "layer_prepostprocess/layer_norm/"
        mha = layer + "MultiheadAttention/"
        ffn_ln = APPLY + layer + "FFN/layer_prepostprocess/layer_norm/"
        self.d_in = d_in
        self.ln_scale = param(w[ln + "layer_norm_scale/ConcatPartitions/concat"])
        self.ln_bias = param(w[ln + "layer_norm_bias/ConcatPartitions/concat"])
        self.qkv_w = param(w[MODULE + mha + "qkv_transform_single/kernel/part_0"].reshape(d_in, -1))
        self.qkv_b = param(w[APPLY + mha + "qkv_transform_single/bias/ConcatPartitions/concat"])
        self.out_w = param(w[MODULE + mha + "output_transform_single/kernel/part_0"].reshape(d_in, -1))
        self.out_b = param(w[APPLY + mha + "output_transform_single/bias/ConcatPartitions/concat"])
        self.project = d_in != 512
        if self.project:
            self.dense_w = param(w[APPLY + layer + "dense/kernel/ConcatPartitions/concat"])
            self.dense_b = param(w[APPLY + layer + "dense/bias/ConcatPartitions/concat"])
        self.ffn_ln_scale = param(w[ffn_ln + "layer_norm_scale/ConcatPartitions/concat"])
        self.ffn_ln_bias = param(w[ffn_ln + "layer_norm_bias/ConcatPartitions/concat"])
        self.w1 = param(w[STACK + layer + "FFN/conv1/Tensordot/Reshape_1"])
        self.b1 = param(w[APPLY + layer + "FFN/conv1/bias/ConcatPartitions/concat"])
        self.w2 = param(w[STACK + layer + "FFN/conv2/Tensordot/Reshape_1"])
        self.b2 = param(w[APPLY + layer + "FFN/conv2/bias/ConcatPartitions/concat"])

    def forward(self, x, mask):
        b, t, _ = x.shape
        hd = self.d_in // 4
        h = F.layer_norm(x, (self.d_in,), self.ln_scale, self.ln_bias, eps=1e-6)
        q, k, v = (h @ self.qkv_w + self.qkv_b).split(self.d_in, dim=-1)
        q, k, v = (z.view(b, t, 4, hd).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-1, -2)) / hd**0.5
        scores = scores.masked_fill(~mask[:, None, None, :], -1e9)
        heads = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, self.d_in)
        residual = x @ self.dense_w + self.dense_b if self.project else x
        x1 = residual + heads @ self.out_w + self.out_b
        h = F.layer_norm(x1, (512,), self.ffn_ln_scale, self.ffn_ln_bias, eps=1e-6)
        return x1 + F.relu(h @ self.w1 + self.b1) @ self.w2 + self.b2


class UseLite(nn.Module):
    def __init__(self, dist):
        super().__init__()
        w = load_tfjs(dist)
        self.embeddings = param(w["module/Embeddings_en"])
        inv = torch.tensor(w[STACK + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1"].reshape(-1))
        pos = torch.arange(128, dtype=torch.float32)[:, None] * inv[None, :]
        self.register_buffer("timing", torch.cat([pos.sin(), pos.cos()], dim=1))
        self.layer0 = Layer(w, 0, 256)
        self.layer1 = Layer(w, 1, 512)
        self.tanh_w = param(w["module/Encoder_en/hidden_layers/tanh_layer_0/weights"])
        self.tanh_b = param(w["module/Encoder_en/hidden_layers/tanh_layer_0/bias"])

    def forward(self, ids, mask):
        x = 2 * self.embeddings[ids] + self.timing[: ids.shape[1]]
        x = self.layer1(self.layer0(x, mask), mask)
        m = mask.float()[:, :, None]
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1)
        return F.normalize(torch.tanh(pooled @ self.tanh_w + self.tanh_b), dim=-1, eps=1e-6)


def batch(seqs, pieces=128):
    seqs = [s[:pieces] if s else [0] for s in seqs]
    ids = torch.zeros(len(seqs), max(map(len, seqs)), dtype=torch.long)
    mask = torch.zeros(ids.shape, dtype=torch.bool)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = True
    return ids, mask


def read_split(work, split, label):
    texts, ys = [], []
    for line in open(os.path.join(work, split + ".jsonl")):
        o = json.loads(line)
        texts.append(o["text"])
        ys.append(1 if label in sum(o["labels"].values(), []) else 0)
    ids = [json.loads(line) for line in open(os.path.join(work, split + ".ids"))]
    assert len(ids) == len(texts), f"{split}: {len(ids)} id rows for {len(texts)} texts"
    return texts, ids, np.array(ys)


def tfidf_logits(tr, ytr, tu, ytu, te):
    word = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=200000)
    char = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                           max_features=300000)
    xtr = hstack([word.fit_transform(tr), char.fit_transform(tr)]).tocsr()
    xtu = hstack([word.transform(tu), char.transform(tu)]).tocsr()
    xte = hstack([word.transform(te), char.transform(te)]).tocsr()
    fits = [LogisticRegression(C=c, max_iter=2000).fit(xtr, ytr) for c in (1, 2, 4, 8)]
    best = max(fits, key=lambda f: roc_auc_score(ytu, f.decision_function(xtu)))
    return best.decision_function(xtu), best.decision_function(xte)


def check(dist):
    """stdin: tests/encoder/use_reference.cjs output; exits 1 unless every embedding matches."""
    model = UseLite(dist)
    worst = 0.0
    for line in sys.stdin:
        r = json.loads(line)
        with torch.no_grad():
            e = model(*batch([r["ids"]]))[0]
        worst = max(worst, (e - torch.tensor(r["embedding"])).abs().max().item())
    print(f"port check: max abs difference to the JavaScript embedding {worst:.2e}")
    sys.exit(0 if worst < 1e-4 else 1)


def main():
    if sys.argv[1] == "--check":
        check(sys.argv[2])
    dist, work = sys.argv[1], sys.argv[2]
    epochs, lr = int(os.environ.get("EPOCHS", 2)), float(os.environ.get("LR", 5e-5))
    torch.set_num_threads(int(os.environ.get("THREADS", 2)))
    torch.manual_seed(0)
    label = os.environ.get("LABEL", "toxicity")
    train_pieces = int(os.environ.get("TRAIN_PIECES", 128))  # clip while training; scoring reads 128
    tr_t, tr, ytr = read_split(work, "train", label)
    tu_t, tu, ytu = read_split(work, "tune", label)
    te_t, te, yte = read_split(work, "test", label)
    if "MAX_TRAIN" in os.environ:
        n = int(os.environ["MAX_TRAIN"])
        tr_t, tr, ytr = tr_t[:n], tr[:n], ytr[:n]

    model = UseLite(dist)
    head = nn.Linear(512, 1)
    nn.init.zeros_(head.weight)
    with torch.no_grad():
        head.bias.fill_(float(np.log(ytr.mean() / (1 - ytr.mean()))))
    for name, p in model.named_parameters():
        p.requires_grad = name.startswith("layer1.") or name.startswith("tanh_")
    tuned = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([{"params": tuned, "lr": lr, "weight_decay": 0.01},
                             {"params": head.parameters(), "lr": 2e-3, "weight_decay": 0.0}])
    bs, scale = 32, 10.0  # the embedding has unit norm: the head reads it scaled
    total = epochs * ((len(tr) + bs - 1) // bs)
    warm = max(1, int(0.1 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: s / warm if s < warm else max(0.0, (total - s) / (total - warm)))

    def score(seqs):
        model.eval()
        order = np.argsort([len(s) for s in seqs])
        out = np.zeros(len(seqs))
        with torch.no_grad():
            for i in range(0, len(seqs), 64):
                idx = order[i : i + 64]
                out[idx] = head(model(*batch([seqs[j] for j in idx])) * scale).squeeze(-1).numpy()
        return out

    print(f"train {len(tr)} tune {len(tu)} test {len(te)}; tuned weights "
          f"{sum(p.numel() for p in tuned)}; epochs {epochs}, lr {lr}, "
          f"training pieces {train_pieces}", flush=True)
    t_fit = time.time()
    for epoch in range(epochs):
        t0 = time.time()
        model.train()
        rng = np.random.default_rng(epoch)
        perm = rng.permutation(len(tr))
        batches = []
        for c in range(0, len(perm), bs * 50):  # similar lengths per batch, order still random
            chunk = sorted(perm[c : c + bs * 50], key=lambda j: len(tr[j]))
            batches += [chunk[i : i + bs] for i in range(0, len(chunk), bs)]
        rng.shuffle(batches)
        loss_sum = 0.0
        for b in batches:
            logits = head(model(*batch([tr[j] for j in b], train_pieces)) * scale).squeeze(-1)
            loss = F.binary_cross_entropy_with_logits(logits, torch.tensor(ytr[b], dtype=torch.float32))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item()
        print(f"epoch {epoch}: loss {loss_sum / len(batches):.4f}, {time.time() - t0:.0f} s", flush=True)
    fit_s = time.time() - t_fit
    enc_tu, enc_te = score(tu), score(te)
    tf_tu, tf_te = tfidf_logits(tr_t, ytr, tu_t, ytu, te_t)
    w = max(np.linspace(0, 1, 21), key=lambda w: roc_auc_score(ytu, w * tf_tu + (1 - w) * enc_tu))
    print(f"fine-tuning wall s: {fit_s:.0f}")
    print(f"test ROC-AUC, fine-tuned encoder alone: {roc_auc_score(yte, enc_te):.4f}")
    print(f"test ROC-AUC, TF-IDF + LR alone:        {roc_auc_score(yte, tf_te):.4f}")
    print(f"test ROC-AUC, logit average (TF-IDF weight {w:.2f} from tune): "
          f"{roc_auc_score(yte, w * tf_te + (1 - w) * enc_te):.4f}")


if __name__ == "__main__":
    main()
