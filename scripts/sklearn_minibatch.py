#!/usr/bin/python3
"""Reference run of scikit-learn's MiniBatchKMeans on raw float32 feature files.

Used by test/cluster-sklearn.test.ts (and benchmarks) to compare smoothcluster's
mini-batch k-means with scikit-learn's on the same rows. Inputs are raw little-endian
float32, row-major, `dim` features per row (the same bytes a Float32Array holds).
Prints one JSON object on stdout; errors go to stderr with a non-zero exit code.

Run it with Debian's /usr/bin/python3 (package python3-sklearn), e.g.
  /usr/bin/python3 scripts/sklearn_minibatch.py --train t.f32 --test s.f32 --dim 40 --k 5
"""
import argparse
import json
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, help="float32 file of training rows")
    parser.add_argument("--test", help="float32 file of held-out rows (optional)")
    parser.add_argument("--dim", type=int, required=True, help="features per row")
    parser.add_argument("--k", type=int, required=True, help="number of clusters")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0, help="random_state")
    parser.add_argument("--max-iter", type=int, default=100, help="max passes over the training rows")
    parser.add_argument("--n-init", type=int, default=3)
    parser.add_argument("--init-size", type=int, default=None, help="rows for k-means++ (sklearn default 3 * batch size)")
    parser.add_argument("--tol", type=float, default=0.0)
    parser.add_argument("--max-no-improvement", type=int, default=10)
    parser.add_argument("--reassignment-ratio", type=float, default=0.01)
    parser.add_argument("--lloyd", action="store_true", help="also fit full-batch KMeans (Lloyd) for reference")
    parser.add_argument("--centres", action="store_true", help="include the fitted centres in the JSON")
    args = parser.parse_args()

    try:
        import numpy as np
        import sklearn
        from sklearn.cluster import KMeans, MiniBatchKMeans
    except ImportError as err:
        print(
            f"sklearn_minibatch.py: cannot import scikit-learn with {sys.executable} ({err}). "
            "Install it with: apt-get install python3-sklearn",
            file=sys.stderr,
        )
        return 3

    def load(path: str) -> "np.ndarray":
        raw = np.fromfile(path, dtype="<f4")
        if raw.size % args.dim != 0:
            raise SystemExit(f"sklearn_minibatch.py: {path} holds {raw.size} floats, not a multiple of --dim {args.dim}")
        return raw.reshape(-1, args.dim)

    train = load(args.train)
    test = load(args.test) if args.test else None

    model = MiniBatchKMeans(
        n_clusters=args.k,
        batch_size=args.batch_size,
        random_state=args.seed,
        max_iter=args.max_iter,
        n_init=args.n_init,
        init_size=args.init_size,
        tol=args.tol,
        max_no_improvement=args.max_no_improvement,
        reassignment_ratio=args.reassignment_ratio,
    )
    started = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - started

    def mean_inertia(km, rows: "np.ndarray") -> float:
        # Exact float64 differences (not score(), which sums float32 data in float32), in
        # chunks so large benchmark files never need a full rows x k x dim temporary.
        centres = km.cluster_centers_.astype(np.float64)
        step = max(1, (1 << 24) // centres.size)  # about 128 MB of temporaries at most
        total = 0.0
        for start in range(0, rows.shape[0], step):
            chunk = rows[start:start + step].astype(np.float64)
            d2 = ((chunk[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
            total += float(d2.min(axis=1).sum())
        return total / rows.shape[0]

    result = {
        "sklearn": sklearn.__version__,
        "rowsTrain": int(train.shape[0]),
        "rowsTest": int(test.shape[0]) if test is not None else 0,
        "steps": int(model.n_steps_),
        "epochs": int(model.n_iter_),
        "fitSeconds": seconds,
        "trainInertia": mean_inertia(model, train),
        "testInertia": mean_inertia(model, test) if test is not None else None,
    }
    if args.centres:
        result["centres"] = model.cluster_centers_.astype(float).ravel().tolist()
    if args.lloyd:
        lloyd = KMeans(n_clusters=args.k, n_init=args.n_init, random_state=args.seed).fit(train)
        result["lloydTrainInertia"] = mean_inertia(lloyd, train)
        result["lloydTestInertia"] = mean_inertia(lloyd, test) if test is not None else None
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
