#!/usr/bin/python3
"""How the sklearn expectations in metrics_test.cc were computed (run once, by hand; the tests
do not run this). Needs Debian python3-sklearn; the numbers in the test came from sklearn 1.2.1."""
import numpy as np, sklearn
from sklearn.metrics import (roc_auc_score, average_precision_score, f1_score, precision_score, recall_score,
    roc_curve, precision_recall_curve, accuracy_score, confusion_matrix, precision_recall_fscore_support)
print("sklearn", sklearn.__version__)
f32 = lambda a: np.array(a, dtype=np.float32)
A_s = f32([0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.4, 0.65, 0.1, 0.55, 0.4])
A_y = np.array([0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1])
B_s = f32([0.5,0.25,1,0,0.75,0.5,0.5,0.25,0,1,0.75,0.5,0.25,0.5,0,0.75,0.5,1,0.25,0,0.5,0.75,0.25,0.5])
B_y = np.array([1,0,1,0,1,0,1,0,0,1,0,1,1,0,0,1,0,0,0,1,1,1,0,0])
rng = np.random.RandomState(7)
C_s = f32(np.round(rng.rand(40), 1))
C_y = (rng.rand(40) < 0.35 + 0.4 * C_s).astype(int)
def fmt(a): return "{" + ", ".join(repr(float(x)) + ("f" if isinstance(x, np.float32) else "") for x in a) + "}"
def best(y, s):
    best = (0.0, None)
    for t in sorted(set(s.tolist()), reverse=True):
        f = f1_score(y, s >= t, zero_division=0)
        if f > best[0]: best = (f, t)
    t = best[1]
    return t, precision_score(y, s >= t, zero_division=0), recall_score(y, s >= t, zero_division=0), best[0]
for name, s, y in (("A", A_s, A_y), ("B", B_s, B_y), ("C", C_s, C_y)):
    print(f"--- {name}  n={len(s)} pos={y.sum()}")
    print("scores", fmt(s)); print("labels", "{" + ", ".join(map(str, y)) + "}")
    print("roc_auc %.17g" % roc_auc_score(y, s))
    print("ap %.17g" % average_precision_score(y, s))
    t = np.float32(0.4)
    print("at 0.4 (>=): P %.17g R %.17g F1 %.17g" % (precision_score(y, s >= t, zero_division=0), recall_score(y, s >= t, zero_division=0), f1_score(y, s >= t, zero_division=0)))
    print("best", "t %.9g P %.17g R %.17g F1 %.17g" % best(y, s))
fpr, tpr, thr = roc_curve(A_y, A_s, drop_intermediate=False)
print("A roc fpr", fmt(fpr)); print("A roc tpr", fmt(tpr)); print("A roc thr", fmt(thr))
p, r, thr = precision_recall_curve(A_y, A_s)
print("A pr p", fmt(p)); print("A pr r", fmt(r)); print("A pr thr", fmt(thr))
# multi-label: 12 x 3, third label has no positives
M_s = f32([[0.9,0.2,0.1],[0.8,0.6,0.3],[0.3,0.7,0.2],[0.6,0.1,0.9],[0.2,0.3,0.05],[0.55,0.3,0.4],
           [0.1,0.9,0.6],[0.45,0.45,0.1],[0.7,0.2,0.2],[0.35,0.8,0.3],[0.5,0.5,0.5],[0.05,0.05,0.7]])
M_y = np.array([[1,0,0],[1,1,0],[0,1,0],[1,0,0],[0,0,0],[0,1,0],[0,1,0],[1,0,0],[1,0,0],[0,1,0],[0,0,0],[0,0,0]])
T = f32([0.5, 0.3, 0.5])
D = M_s >= T
print("--- multi-label")
print("scores", fmt(M_s.ravel())); print("truth", "{" + ", ".join(map(str, M_y.ravel())) + "}")
for j in range(3):
    print(f"label {j}: P %.17g R %.17g F1 %.17g" % (precision_score(M_y[:,j], D[:,j], zero_division=0), recall_score(M_y[:,j], D[:,j], zero_division=0), f1_score(M_y[:,j], D[:,j], zero_division=0)),
          "auc", ("%.17g" % roc_auc_score(M_y[:,j], M_s[:,j])) if M_y[:,j].min() != M_y[:,j].max() else "undefined",
          "ap", ("%.17g" % average_precision_score(M_y[:,j], M_s[:,j])) if M_y[:,j].sum() else "undefined")
print("micro P %.17g R %.17g F1 %.17g" % (precision_score(M_y, D, average="micro", zero_division=0), recall_score(M_y, D, average="micro", zero_division=0), f1_score(M_y, D, average="micro", zero_division=0)))
print("macro P %.17g R %.17g F1 %.17g" % (precision_score(M_y, D, average="macro", zero_division=0), recall_score(M_y, D, average="macro", zero_division=0), f1_score(M_y, D, average="macro", zero_division=0)))
print("macro auc over labels 0,1 %.17g" % roc_auc_score(M_y[:, :2], M_s[:, :2], average="macro"))
print("macro ap over labels 0,1 %.17g" % average_precision_score(M_y[:, :2], M_s[:, :2], average="macro"))
# single-label: classes 0..4; 3 only predicted, 4 absent
yt = [0,1,2,0,1,2,0,1,2,0,1,2,0,0,1]
yp = [0,2,2,0,1,1,3,1,2,1,1,2,0,2,0]
print("--- single-label")
print("truth", yt); print("pred", yp)
print("accuracy %.17g" % accuracy_score(yt, yp))
print("macro F1 %.17g P %.17g R %.17g" % (f1_score(yt, yp, average="macro", zero_division=0), precision_score(yt, yp, average="macro", zero_division=0), recall_score(yt, yp, average="macro", zero_division=0)))
p, r, f, s = precision_recall_fscore_support(yt, yp, labels=[0,1,2,3,4], zero_division=0)
for k in range(5): print(f"class {k}: P %.17g R %.17g F1 %.17g support %d" % (p[k], r[k], f[k], s[k]))
print("confusion", confusion_matrix(yt, yp, labels=[0,1,2,3,4]).ravel().tolist())
