#!/usr/bin/python3
"""The smoothcluster method written the way a Python user would: GDAL + numpy + scikit-learn.

The benchmark's reference pipeline (npm run bench). Same method and parameters as
`smoothcluster run` with its defaults: nodes with at most 20 % of dates missing and every
static layer present; gaps filled by linear interpolation in time (nearest value at the
ends); 8-neighbour pixel graph, uniform weights, weighted mean; H = 3 hops with alpha 0.5;
dynamic block scaled as one (centred per date, divided by the root of the summed date
variances), static layers z-scored and the block balanced against the dynamic one; a
uniform training sample of 102,400 pixels plus 25,600 held-out test pixels; scikit-learn's
MiniBatchKMeans (k = 4, batch 256, init_size 25,600, max_iter 20); labels for every node,
ordered by the velocity of their centre curve; per-cluster mean and std of every date and
static layer from the original values; a DEFLATE Cloud Optimized GeoTIFF.

It holds the whole scene in memory as float32 (numpy's natural layout for this), as such
scripts do, and writes every step as whole-array numpy operations, as a Python user who cares
about speed would: gap filling by running maxima of the present dates' indices (no per-pixel
loop), smoothing as sums of shifted arrays over blocks of feature planes. Run with Debian's Python (python3-gdal, python3-numpy, python3-sklearn):
  /usr/bin/python3 scripts/bench/python_pipeline.py SCENE.tif --static STATIC.tif --out LABELS.tif
      [--ours OUR.stats.json] [--json RESULT.json]
With --ours, the test inertia of smoothcluster's centres (from its sidecar) is computed too, on
this pipeline's held-out pixels and in this pipeline's scaled units, so both are comparable.
Prints one JSON object on stdout (timings per stage, inertias, memory).
"""
import argparse
import json
import resource
import sys
import time


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scene")
    p.add_argument("--static", action="append", default=[])
    p.add_argument("--out", required=True)
    p.add_argument("--ours", help="smoothcluster's OUT.stats.json, to score its centres on our test pixels")
    p.add_argument("--json", help="also write the result here")
    p.add_argument("--k", type=int, default=4)
    p.add_argument("--hops", type=int, default=3)
    p.add_argument("--alpha", type=float, default=0.5)
    p.add_argument("--max-missing", type=float, default=0.2)
    p.add_argument("--sample-size", type=int, default=102_400)
    p.add_argument("--test-fraction", type=float, default=0.2)
    p.add_argument("--warm-start", type=int, default=25_600)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--max-epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--block-features", type=int, default=16, help="feature planes smoothed at once (memory vs. speed)")
    args = p.parse_args()
    try:
        import numpy as np
        from osgeo import gdal
        from sklearn.cluster import MiniBatchKMeans
    except ImportError as err:
        print(f"python_pipeline.py: {err} with {sys.executable}. Install Debian's packages: "
              "apt-get install python3-gdal python3-numpy python3-sklearn", file=sys.stderr)
        return 3
    gdal.UseExceptions()
    times = {}
    t0 = time.perf_counter()

    def lap(name):
        nonlocal t0
        t = time.perf_counter()
        times[name] = round(t - t0, 3)
        t0 = t

    # --- read: the stack and the static layers, missing values as NaN
    ds = gdal.Open(args.scene)
    n_bands = ds.RasterCount
    dates = [ds.GetRasterBand(b + 1).GetDescription() for b in range(n_bands)]
    order = sorted(range(n_bands), key=lambda b: dates[b])
    days = np.array([np.datetime64(dates[b]) for b in order], dtype="datetime64[D]")
    day = (days - days[0]).astype(np.float64)
    stack = ds.ReadAsArray().astype(np.float32, copy=False)[order]  # (D, H, W)
    for i, b in enumerate(order):
        nd = ds.GetRasterBand(b + 1).GetNoDataValue()
        if nd is not None and not np.isnan(nd):
            stack[i][stack[i] == np.float32(nd)] = np.nan
    geo, srs = ds.GetGeoTransform(), ds.GetProjection()
    n_dates, height, width = stack.shape
    statics = []
    for path in args.static:
        s = gdal.Open(path)
        a = s.ReadAsArray().astype(np.float32, copy=False)
        statics.append(a.reshape(-1, height, width))
    statics = np.concatenate(statics) if statics else np.zeros((0, height, width), np.float32)
    n_static = statics.shape[0]
    lap("read")

    # --- nodes and gap filling in time
    finite = np.isfinite(stack)
    missing = n_dates - finite.sum(axis=0)
    valid = (missing <= args.max_missing * n_dates + 1e-9) & (missing < n_dates) & np.isfinite(statics).all(axis=0)
    rows, cols = np.nonzero(valid)
    # Gap filling on the (D, H, W) stack itself, a band of rows at a time: for every value the
    # index of the last present date at or before it and of the first at or after it (running
    # maxima and minima over time, in int16), then, at the gaps of the nodes only, the linear
    # interpolation in time between the two.
    t_idx = np.arange(n_dates, dtype=np.int16)[:, None, None]
    band = max(1, (1 << 22) // (n_dates * width))
    for y0 in range(0, height, band):
        sl, ok = stack[:, y0:y0 + band], finite[:, y0:y0 + band]
        tt, yy, xx = np.nonzero(~ok & valid[None, y0:y0 + band])
        if tt.size == 0:
            continue
        prev = np.maximum.accumulate(np.where(ok, t_idx, np.int16(-1)), axis=0)[tt, yy, xx]
        nxt = np.minimum.accumulate(np.where(ok, t_idx, np.int16(n_dates))[::-1], axis=0)[::-1][tt, yy, xx]
        lo = np.where(prev < 0, nxt, prev)  # leading gap: the first present value
        hi = np.where(nxt >= n_dates, prev, nxt)  # trailing gap: the last one
        v_lo, v_hi = sl[lo, yy, xx], sl[hi, yy, xx]
        span = day[hi] - day[lo]
        w = np.where(span > 0, (day[tt] - day[lo]) / np.where(span > 0, span, 1), 0)
        sl[tt, yy, xx] = (v_lo + (v_hi - v_lo) * w).astype(np.float32)
    del finite
    lap("nodes and gap filling")

    # --- smoothing: H hops over the whole grid as sums of shifted arrays (numpy's vectorised
    # adds), a block of feature planes at a time so the temporaries stay small; a non-node is a
    # 0, so it adds nothing, and each pixel's blend factor (1 - alpha) / degree makes the mean
    features = np.concatenate([stack, statics]) if n_static else stack  # (F, H, W)
    del stack
    n_features = features.shape[0]
    shifts = [(dy, dx) for dy in range(3) for dx in range(3) if (dy, dx) != (1, 1)]
    vp = np.pad(valid.astype(np.float32), 1)
    degree = sum(vp[dy:dy + height, dx:dx + width] for dy, dx in shifts)
    has = valid & (degree > 0)
    blend = np.where(has, (1 - args.alpha) / np.where(degree > 0, degree, 1), 0).astype(np.float32)
    own = np.where(has, args.alpha, np.where(valid, 1, 0)).astype(np.float32)  # a node without neighbours keeps its value
    block = min(args.block_features, n_features)
    padded = np.zeros((block, height + 2, width + 2), np.float32)
    total = np.empty((block, height, width), np.float32)
    holes = ~valid[None]
    for f0 in range(0, n_features, block):
        nb = min(n_features, f0 + block) - f0
        inner, t = padded[:nb, 1:-1, 1:-1], total[:nb]
        np.copyto(inner, features[f0:f0 + nb])
        np.copyto(inner, 0, where=holes)
        for _ in range(args.hops):
            (y0, x0), (y1, x1) = shifts[0], shifts[1]
            np.add(padded[:nb, y0:y0 + height, x0:x0 + width], padded[:nb, y1:y1 + height, x1:x1 + width], out=t)
            for dy, dx in shifts[2:]:
                np.add(t, padded[:nb, dy:dy + height, dx:dx + width], out=t)
            t *= blend
            inner *= own
            inner += t
        features[f0:f0 + nb] = inner
    del padded, total
    lap("smoothing")

    # --- training sample, scaling, mini-batch k-means
    n = rows.size
    rng = np.random.default_rng(args.seed)
    n_test = int(round(args.sample_size * args.test_fraction / (1 - args.test_fraction)))
    pick = rng.choice(n, size=min(n, args.sample_size + n_test), replace=False)
    train_idx, test_idx = pick[:args.sample_size], pick[args.sample_size:]
    X = features[:, rows, cols].T  # (N, F) float32
    train = X[train_idx]
    mean = train.mean(axis=0, dtype=np.float64)
    var = train.var(axis=0, dtype=np.float64)
    scale = np.zeros(X.shape[1])
    s_dyn = np.sqrt(var[:n_dates].sum())
    scale[:n_dates] = 1 / s_dyn if s_dyn > 0 else 0
    if n_static:
        sd = np.sqrt(var[n_dates:])
        scale[n_dates:] = np.where(sd > 0, 1 / (np.where(sd > 0, sd, 1) * np.sqrt(n_static)), 0)
    offset = mean

    def scaled(rows_):
        return ((rows_ - offset) * scale).astype(np.float32)

    model = MiniBatchKMeans(n_clusters=args.k, batch_size=args.batch_size, init_size=min(args.warm_start, train.shape[0]),
                            max_iter=args.max_epochs, random_state=args.seed, n_init=3)
    model.fit(scaled(train))
    lap("sample, scale and fit")

    # --- labels for every node, ordered by the velocity of the centre curve
    labels_nodes = np.empty(n, np.int64)
    step = 1 << 20
    for start in range(0, n, step):
        labels_nodes[start:start + step] = model.predict(scaled(X[start:start + step]))
    centres = model.cluster_centers_.astype(np.float64)
    curves = np.where(scale[:n_dates] > 0, centres[:, :n_dates] / np.where(scale[:n_dates] > 0, scale[:n_dates], 1), 0) + offset[:n_dates]
    years = day / 365.25
    slopes = np.polyfit(years, curves.T, 1)[0]
    rank = np.argsort(np.argsort(slopes, kind="stable"), kind="stable")
    labels_nodes = rank[labels_nodes]
    lap("predict")

    # --- per-cluster statistics of the original values
    raw = ds.ReadAsArray(band_list=[b + 1 for b in order]).astype(np.float32, copy=False)[:, rows, cols]
    stats = []
    for c in range(args.k):
        m = labels_nodes == c
        vals = raw[:, m]
        stats.append({"label": c, "count": int(m.sum()), "mean": np.nanmean(vals, axis=1).round(4).tolist() if m.any() else None,
                      "std": np.nanstd(vals, axis=1).round(4).tolist() if m.any() else None})
    del raw
    lap("statistics")

    # --- the classified raster
    out = np.full((height, width), 255, np.uint8)
    out[rows, cols] = labels_nodes
    mem = gdal.GetDriverByName("MEM").Create("", width, height, 1, gdal.GDT_Byte)
    mem.SetGeoTransform(geo)
    mem.SetProjection(srs)
    mem.GetRasterBand(1).SetNoDataValue(255)
    mem.GetRasterBand(1).WriteArray(out)
    gdal.Translate(args.out, mem, format="COG", creationOptions=["COMPRESS=DEFLATE", "OVERVIEW_RESAMPLING=MODE", "BLOCKSIZE=512"])
    lap("write")

    # --- quality: test inertia (mean squared distance of held-out pixels to the nearest centre)
    def inertia(centres_scaled, rows_):
        if rows_.shape[0] == 0:
            return None  # a scene too small to hold out test pixels
        d2 = ((rows_[:, None, :].astype(np.float64) - centres_scaled[None, :, :]) ** 2).sum(axis=2)
        return float(d2.min(axis=1).mean())

    test = scaled(X[test_idx]).astype(np.float64)
    result = {
        "pixels": width * height, "nodes": int(n), "dates": n_dates, "statics": n_static,
        "trainRows": int(train.shape[0]), "testRows": int(test.shape[0]),
        "testInertia": inertia(centres, test),
        "sklearnSteps": int(model.n_steps_), "epochs": int(model.n_iter_),
        "clusters": stats, "timings": times, "seconds": round(sum(times.values()), 3),
        "maxRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.ours:
        sc = json.load(open(args.ours))
        names = sc["featureNames"]
        ours = np.array([[c["centroid"][nm] for nm in names] for c in sc["clusters"]], np.float64)  # unscaled centres
        result["oursTestInertiaOnTheseRows"] = inertia((ours - offset) * scale, test)
    text = json.dumps(result)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
