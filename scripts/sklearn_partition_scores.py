"""Reference partition scores for test/partition-scores.test.ts.

Reads n rows of `dim` float32 values (row-major) and one or more labelings (int32, n each),
prints for each labeling scikit-learn's silhouette, Davies-Bouldin and Calinski-Harabasz
scores as JSON (null where scikit-learn refuses: fewer than 2 or more than n - 1 labels).
Run with Debian's /usr/bin/python3 (python3-sklearn).
"""
import argparse
import json

import numpy as np
import sklearn
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score


def score(fn, data, labels):
    try:
        return float(fn(data, labels))
    except ValueError:
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--dim", type=int, required=True)
    parser.add_argument("--labels", nargs="+", required=True)
    args = parser.parse_args()
    data = np.fromfile(args.data, dtype="<f4").reshape(-1, args.dim).astype(np.float64)
    results = []
    for path in args.labels:
        labels = np.fromfile(path, dtype="<i4")
        results.append({
            "silhouette": score(silhouette_score, data, labels),
            "daviesBouldin": score(davies_bouldin_score, data, labels),
            "calinskiHarabasz": score(calinski_harabasz_score, data, labels),
        })
    print(json.dumps({"sklearn": sklearn.__version__, "results": results}))


if __name__ == "__main__":
    main()
