"""Value-model fit time and memory: tierwise vs lifetimes vs pymc-marketing (MAP), same summaries.

``python -m bench.value`` builds the summaries (the CDNOW calibration summary, and customers simulated
from the published CDNOW parameters: 50,000 and 1,000,000), then fits each model with each contender,
each fit in its own process, and writes the "Value models" section of ``bench/RESULTS.md``.

lifetimes and pymc-marketing run in their own throw-away virtual environments (lifetimes needs
pandas < 2): ``--lifetimes-python`` and ``--pymc-python`` name their interpreters; a contender whose
interpreter is missing is reported as not run. Every fit has a time limit (``--timeout``); a fit that
hits it is reported as stopped. The log-likelihood of every contender's parameters is evaluated with
tierwise's likelihood on the full data, so the column compares optima, not implementations.

This file is also the worker each process runs (``--worker NAME``); the worker imports only its own
contender's library.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "value"
PEERS = HERE / ".peers"  # made by bench/peers.sh (make bench-peers)
CDNOW = HERE.parent / "tests" / "data" / "cdnow"  # the published sample, shipped with the tests
PUBLISHED = {
    "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "pareto": {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
    "gammagamma": {"p": 6.25, "q": 3.74, "v": 15.44},
}
NAMES = {
    "bgnbd": ("BetaGeoFitter", "BetaGeoModel"),
    "pareto": ("ParetoNBDFitter", "ParetoNBDModel"),
    "gammagamma": ("GammaGammaFitter", "GammaGammaModel"),
}


def _rss_gb(field: str = "VmRSS") -> float:
    """Resident (``VmRSS``) or peak resident (``VmHWM``) memory of this process, in GB.

    Not ``getrusage``: its maximum survives ``exec`` and would report the parent's peak.
    """
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1e6
    return float("nan")


def worker(name: str, model: str, path: str) -> dict:
    """Fit ``model`` with contender ``name`` on the summary at ``path``; time, memory and parameters."""
    import warnings

    import pandas as pd

    warnings.filterwarnings("ignore")
    frame = pd.read_parquet(path)
    if model == "gammagamma":
        frame = frame[frame["frequency"] > 0]
    if name == "tierwise":
        from tierwise.value.bgnbd import BetaGeoFitter
        from tierwise.value.gammagamma import GammaGammaFitter
        from tierwise.value.paretonbd import ParetoNBDFitter

        cls = {"bgnbd": BetaGeoFitter, "pareto": ParetoNBDFitter, "gammagamma": GammaGammaFitter}[model]
        before = _rss_gb()
        start = time.perf_counter()
        fitted = cls().fit(frame)
        seconds = time.perf_counter() - start
        params, extra = fitted.params_, {"stderr": fitted.stderr_, "converged": fitted.fit_info_.converged}
    elif name == "lifetimes":
        import lifetimes

        fitter = getattr(lifetimes, NAMES[model][0])()
        before = _rss_gb()
        start = time.perf_counter()
        if model == "gammagamma":
            fitter.fit(frame["frequency"], frame["monetary_value"])
        else:
            fitter.fit(frame["frequency"], frame["recency"], frame["T"])
        seconds = time.perf_counter() - start
        params, extra = {k: float(v) for k, v in dict(fitter.params_).items()}, {}
    else:
        from pymc_marketing import clv

        data = frame.assign(customer_id=range(len(frame)))
        before = _rss_gb()
        start = time.perf_counter()
        fitted = getattr(clv, NAMES[model][1])(data=data)
        fitted.fit(method="map")
        seconds = time.perf_counter() - start
        posterior = fitted.fit_result  # the MAP point (fit_summary() rounds to 3 decimals)
        params = {k: float(posterior[k].values.squeeze()) for k in PUBLISHED[model] if k in posterior}
        extra = {}
    peak = _rss_gb("VmHWM")
    return {"seconds": seconds, "peak_gb": peak, "fit_gb": max(peak - before, 0.0), "params": params, **extra}


def build_data() -> dict[str, Path]:
    """Write the summaries (once) and return their paths by data-set name."""
    import numpy as np

    from tierwise.analytics.engine import Engine
    from tierwise.analytics.summary import summary
    from tierwise.value.cdnow import CALIBRATION_END, OBSERVATION_END, read_cdnow
    from tierwise.value.simulation import simulate_bgnbd, simulate_paretonbd, simulate_spend

    DATA.mkdir(parents=True, exist_ok=True)
    paths = {}
    cdnow = DATA / "cdnow.parquet"
    if not cdnow.exists():
        engine = Engine.create("duckdb")
        tx = engine.load("cdnow", read_cdnow(CDNOW))
        frame = summary(tx, CALIBRATION_END, OBSERVATION_END, freq="D", freq_multiplier=7).to_pandas()
        frame[["frequency", "recency", "T", "monetary_value"]].to_parquet(cdnow)
    paths["cdnow"] = cdnow
    for n in (50_000, 1_000_000):
        for model, simulate in (("bgnbd", simulate_bgnbd), ("pareto", simulate_paretonbd)):
            path = DATA / f"{model}-{n}.parquet"
            if not path.exists():
                frame = simulate(n, **PUBLISHED[model], seed=1)
                frame["monetary_value"] = simulate_spend(
                    frame["frequency"].to_numpy(), **PUBLISHED["gammagamma"], seed=1
                )
                frame.to_parquet(path)
            paths[f"{model}-{n}"] = path
    del np
    return paths


JOBS = [  # (data set, model, contenders)
    ("cdnow", "bgnbd", ("tierwise", "lifetimes", "pymc")),
    ("cdnow", "pareto", ("tierwise", "lifetimes", "pymc")),
    ("cdnow", "gammagamma", ("tierwise", "lifetimes", "pymc")),
    ("bgnbd-50000", "bgnbd", ("tierwise", "lifetimes", "pymc")),
    ("pareto-50000", "pareto", ("tierwise", "lifetimes", "pymc")),
    ("bgnbd-50000", "gammagamma", ("tierwise", "lifetimes")),
    ("bgnbd-1000000", "bgnbd", ("tierwise", "lifetimes", "pymc")),
    ("pareto-1000000", "pareto", ("tierwise",)),
    ("bgnbd-1000000", "gammagamma", ("tierwise", "lifetimes")),
]


def run_job(python: str, name: str, model: str, path: Path, timeout: float) -> dict:
    """One fit in a fresh process; ``{"error": ...}`` when it fails or hits the time limit."""
    from bench.workers import run_worker  # the parent's only: workers run in the peers' environments

    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"), OPENBLAS_NUM_THREADS="1")
    cmd = [python, str(HERE / "value.py"), "--worker", name, "--model", model, "--data", str(path)]
    return run_worker(cmd, env, timeout)


def loglik(model: str, params: dict, path: Path) -> float:
    """tierwise's log-likelihood of ``params`` on the data at ``path``."""
    import numpy as np
    import pandas as pd

    from tierwise.value.bgnbd import _loglik_rows as bg
    from tierwise.value.gammagamma import _loglik_rows as gg
    from tierwise.value.paretonbd import _loglik_rows as pareto

    frame = pd.read_parquet(path)
    if model == "gammagamma":
        frame = frame[frame["frequency"] > 0]
        p = np.array([params[k] for k in ("p", "q", "v")])
        return float(gg(p, (frame["frequency"].to_numpy(float), frame["monetary_value"].to_numpy(float))).sum())
    names = ("r", "alpha", "a", "b") if model == "bgnbd" else ("r", "alpha", "s", "beta")
    p = np.array([params[k] for k in names])
    fn = bg if model == "bgnbd" else pareto
    return float(fn(p, (frame["frequency"].to_numpy(float), frame["recency"].to_numpy(), frame["T"].to_numpy())).sum())


def main() -> None:
    """Run every job (or those of ``--only``) and write the RESULTS.md section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker")
    parser.add_argument("--model")
    parser.add_argument("--data")
    parser.add_argument("--lifetimes-python", default=str(PEERS / "lifetimes" / "bin" / "python"))
    parser.add_argument("--pymc-python", default=str(PEERS / "pymc" / "bin" / "python"))
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--results", default=str(DATA / "results.json"))
    parser.add_argument("--only", help="comma-separated data sets to run (others are kept from --results)")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from --results, fit nothing")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.model, args.data)))
        return

    from bench.value_report import write_report

    if args.report_only:  # re-render the section from the saved results of the last run
        saved = json.loads(Path(args.results).read_text())
        write_report(saved, saved["_machine"], JOBS, PUBLISHED)
        return

    paths = build_data()
    pythons = {"tierwise": sys.executable, "lifetimes": args.lifetimes_python, "pymc": args.pymc_python}
    results_path = Path(args.results)
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    only = set(args.only.split(",")) if args.only else None
    load_before = os.getloadavg()[0]
    for data_name, model, contenders in JOBS:
        if only and data_name not in only:
            continue
        for name in contenders:
            key = f"{data_name}|{model}|{name}"
            if not Path(pythons[name]).exists():
                results[key] = {"error": "interpreter not installed"}
                continue
            print(f"{key} …", file=sys.stderr, flush=True)
            result = run_job(pythons[name], name, model, paths[data_name], args.timeout)
            if "params" in result and len(result["params"]) == len(PUBLISHED[model]):
                result["loglik"] = loglik(model, result["params"], paths[data_name])
            results[key] = result
            print(f"  {result}", file=sys.stderr, flush=True)
            results_path.write_text(json.dumps(results, indent=1))
    machine = {
        "holdout": holdout(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "versions": versions(pythons),
    }
    results["_machine"] = machine
    results_path.write_text(json.dumps(results, indent=1))
    write_report(results, machine, JOBS, PUBLISHED)


def holdout() -> dict[str, dict]:
    """CDNOW calibration (weeks 1-39) / holdout (weeks 40-78) fit of BG/NBD and Pareto/NBD."""
    from tierwise.analytics.engine import Engine
    from tierwise.analytics.summary import summary
    from tierwise.value.bgnbd import BetaGeoFitter
    from tierwise.value.cdnow import CALIBRATION_END, OBSERVATION_END, read_cdnow
    from tierwise.value.paretonbd import ParetoNBDFitter
    from tierwise.value.validation import holdout_report, tracking

    engine = Engine.create("duckdb")
    tx = engine.load("cdnow", read_cdnow(CDNOW))
    frame = summary(tx, CALIBRATION_END, OBSERVATION_END, freq="D", freq_multiplier=7).to_pandas()
    out = {}
    for name, cls in (("BG/NBD", BetaGeoFitter), ("Pareto/NBD", ParetoNBDFitter)):
        model = cls().fit(frame)
        report, curve = holdout_report(model, frame), tracking(model, tx, CALIBRATION_END, OBSERVATION_END)
        out[name] = {
            "actual": report.actual_total,
            "conditional": report.predicted_total,
            "error": report.error,
            "correlation": report.correlation,
            "cohort": curve.holdout_predicted,
            "cohort_error": curve.holdout_error,
            "cumulative_actual": curve.actual[-1],
            "cumulative_predicted": curve.predicted[-1],
            "cumulative_error": curve.cumulative_error,
        }
    return out


def versions(pythons: dict[str, str]) -> dict[str, str]:
    """Library versions of each contender's interpreter."""
    probes = {
        "tierwise": "numpy scipy",
        "lifetimes": "lifetimes numpy scipy pandas",
        "pymc": "pymc_marketing pymc pytensor",
    }
    out = {}
    for name, modules in probes.items():
        if not Path(pythons[name]).exists():
            continue
        code = ";".join(f"import {m};print('{m} '+{m}.__version__)" for m in modules.split())
        done = subprocess.run([pythons[name], "-c", code], capture_output=True, text=True)
        out[name] = ", ".join(done.stdout.split("\n")).strip(", ")
    return out


if __name__ == "__main__":
    main()
