#!/usr/bin/python3
"""Reference numbers for the census preset's tests, computed independently with NumPy.

Re-implements sjtu-xai-lab/Learn util/preprocess_census.py without pandas (not installed here):
categories sorted from all non-missing values, Relationship hand-coded, rows with '?' dropped,
np.random.seed(0) shuffle, z-score with population std, then scikit-learn's
train_test_split(test_size=0.2, random_state=0), i.e. RandomState(0).permutation(n) with the
first ceil(0.2 n) indices as test. Run: /usr/bin/python3 packages/tabular/tools/learn_census_reference.py
Never run by tests or CI.
"""
import csv, gzip, json, math, os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, '..', 'data', 'census', 'adult.data.gz')
with gzip.open(path, 'rt') as f:
    rows = [[c.strip() for c in r] for r in csv.reader(f) if r]
names = ["Age", "Workclass", "fnlwgt", "Education", "Education-Num", "Marital Status", "Occupation",
         "Relationship", "Race", "Sex", "Capital Gain", "Capital Loss", "Hours per week", "Country", "Target"]
cat = {"Workclass", "Education", "Marital Status", "Occupation", "Relationship", "Race", "Sex", "Country", "Target"}
cats = {n: sorted({r[i] for r in rows if r[i] != '?'}) for i, n in enumerate(names) if n in cat}
rcode = {"Not-in-family": 0, "Unmarried": 1, "Other-relative": 2, "Own-child": 3, "Husband": 4, "Wife": 5}
complete = [r for r in rows if '?' not in r]
feat = [n for n in names if n not in ("fnlwgt", "Education", "Target")]
X = np.array([[float(rcode[r[names.index(n)]]) if n == "Relationship" else
               float(cats[n].index(r[names.index(n)])) if n in cat else float(r[names.index(n)])
               for n in feat] for r in complete])
y = np.array([1 if r[-1] == '>50K' else 0 for r in complete])
all_data = np.hstack([y[:, None], X])
np.random.seed(0)
np.random.shuffle(all_data)
X = all_data[:, 1:]; y = all_data[:, 0].astype(int)
mean = X.mean(0); std = X.std(0)
X = (X - mean) / std
n = len(X); n_test = math.ceil(0.2 * n)
perm = np.random.RandomState(0).permutation(n)
te, tr = perm[:n_test], perm[n_test:]
out = {
    "rows": n, "positives": int(y.sum()), "train": len(tr), "test": len(te),
    "mean": mean.tolist(), "std": std.tolist(),
    "train_first": X[tr[0]].astype(np.float32).tolist(), "train_first_y": int(y[tr[0]]),
    "train_last": X[tr[-1]].astype(np.float32).tolist(),
    "test_first": X[te[0]].astype(np.float32).tolist(), "test_first_y": int(y[te[0]]),
    "train_positives": int(y[tr].sum()), "test_positives": int(y[te].sum()),
    "train_mean": X[tr].mean(0).tolist(),
    "workclass": cats["Workclass"], "country_count": len(cats["Country"]),
}
print(json.dumps(out, indent=1))
