"""The "Value models" section of ``bench/RESULTS.md`` from the results of :mod:`bench.value`."""

from __future__ import annotations

from bench.results import write_section

LABELS = {"cdnow": "CDNOW sample (2,357)", "bgnbd-50000": "simulated BG/NBD, 50,000",
          "pareto-50000": "simulated Pareto/NBD, 50,000", "bgnbd-1000000": "simulated BG/NBD, 1,000,000",
          "pareto-1000000": "simulated Pareto/NBD, 1,000,000"}
MODEL_LABELS = {"bgnbd": "BG/NBD", "pareto": "Pareto/NBD", "gammagamma": "Gamma-Gamma"}


def _params(params: dict) -> str:
    return ", ".join(f"{k} {v:.4g}" for k, v in params.items())


def write_report(results: dict, machine: dict, jobs: list, published: dict) -> str:
    """Render the table and notes, write them as the "Value models" section, and return the text."""
    lines = [
        "`python -m bench.value` — fit time of one model on one summary, each fit in a fresh process "
        f"(BLAS single-threaded), {machine['machine']}, {machine['cores']} cores shared with other work "
        f"(1-minute load {machine['load_before']:.1f} before, {machine['load_after']:.1f} after). "
        "Simulated customers are drawn from the published CDNOW parameters (T uniform on 20–80 weeks, whole "
        "days); Gamma-Gamma runs on the repeat buyers. LL: tierwise's log-likelihood evaluated at each "
        "contender's parameters on the same data; Δ is relative to tierwise's optimum.",
        "",
        "Versions: " + "; ".join(f"{k}: {v}" for k, v in machine["versions"].items()) + ".",
        "",
        "| data | model | contender | fit s | × tierwise | peak RSS GB | fit RSS GB | log-likelihood | Δ LL | parameters |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for data_name, model, contenders in jobs:
        ours = results.get(f"{data_name}|{model}|tierwise", {})
        for name in contenders:
            r = results.get(f"{data_name}|{model}|{name}")
            if r is None:
                continue
            head = f"| {LABELS[data_name]} | {MODEL_LABELS[model]} | {name} |"
            if "error" in r:
                lines.append(f"{head} – | – | – | – | – | – | not run: {r['error']} |")
                continue
            ratio = r["seconds"] / ours["seconds"] if "seconds" in ours else float("nan")
            delta = (r["loglik"] - ours["loglik"]) / abs(ours["loglik"]) if "loglik" in r and "loglik" in ours else float("nan")
            ll = f"{r['loglik']:,.2f}" if "loglik" in r else "–"
            lines.append(f"{head} {r['seconds']:.2f} | {ratio:.1f} | {r['peak_gb']:.2f} | {r['fit_gb']:.3f} | {ll} | "
                         f"{delta:+.1e} | {_params(r['params'])} |")
    lines += ["", "Recovery of the simulating parameters by tierwise (estimate ± standard error, and |error| / s.e.):", ""]
    for data_name, model, _ in jobs:
        if data_name == "cdnow":
            continue
        r = results.get(f"{data_name}|{model}|tierwise", {})
        if "stderr" not in r:
            continue
        cells = []
        for k, true in published[model].items():
            est, se = r["params"][k], r["stderr"][k]
            cells.append(f"{k} {true} → {est:.4g} ± {se:.2g} ({abs(est - true) / se:.1f})")
        lines.append(f"- {LABELS[data_name]}, {MODEL_LABELS[model]}: " + "; ".join(cells))
    text = "\n".join(lines)
    write_section("Value models", text)
    return text
