"""The "Value models" section of ``bench/RESULTS.md`` from the results of :mod:`bench.value`."""

from __future__ import annotations

from bench.results import write_section

LABELS = {
    "cdnow": "CDNOW sample (2,357)",
    "bgnbd-50000": "simulated BG/NBD, 50,000",
    "pareto-50000": "simulated Pareto/NBD, 50,000",
    "bgnbd-1000000": "simulated BG/NBD, 1,000,000",
    "pareto-1000000": "simulated Pareto/NBD, 1,000,000",
}
MODEL_LABELS = {"bgnbd": "BG/NBD", "pareto": "Pareto/NBD", "gammagamma": "Gamma-Gamma"}


def _params(params: dict) -> str:
    return ", ".join(f"{k} {v:.4g}" for k, v in params.items())


def _ratio(results: dict, key: str, other: str) -> float:
    ours, theirs = results.get(f"{key}|tierwise", {}), results.get(f"{key}|{other}", {})
    return theirs["seconds"] / ours["seconds"] if "seconds" in ours and "seconds" in theirs else float("nan")


def targets(results: dict) -> list[str]:
    """Issue 6's targets, each with the measured figure and whether it is met."""
    bg = _ratio(results, "bgnbd-1000000|bgnbd", "lifetimes")
    pareto = _ratio(results, "pareto-50000|pareto", "lifetimes")
    deltas = []
    for key, r in results.items():
        ours = results.get(key.rsplit("|", 1)[0] + "|tierwise", {})
        if key.endswith("|lifetimes") and "loglik" in r and "loglik" in ours:
            deltas.append(abs(r["loglik"] - ours["loglik"]) / abs(ours["loglik"]))
    worst = max(deltas) if deltas else float("nan")
    met = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    return [
        "Targets (issue 6):",
        f"- BG/NBD ≥ 5× faster than lifetimes at 1M customers: {bg:.1f}× — {met(bg >= 5)}.",
        f"- Pareto/NBD ≥ 10× faster than lifetimes at 50k customers: {pareto:.1f}× — {met(pareto >= 10)}.",
        f"- same log-likelihood as lifetimes to 1e-6 relative: largest difference {worst:.1e} — {met(worst <= 1e-6)}.",
        f"- Gamma-Gamma (no target): {_ratio(results, 'bgnbd-1000000|gammagamma', 'lifetimes'):.1f}× at 1M "
        "customers; its rows hardly compress (spend is continuous), the gain is from the gamma-function terms "
        "taken per distinct frequency.",
        "- Fits are single runs on a shared machine (see the load figures above); a rerun moves the times by "
        "up to a factor of two, the ratios less.",
    ]


def holdout_lines(holdout: dict) -> list[str]:
    """The CDNOW calibration/holdout comparison with the published BG/NBD forecast error (-4 %)."""
    if not holdout:
        return []
    lines = [
        "CDNOW holdout (calibration weeks 1–39, holdout weeks 40–78, 1,882 repeat purchases), from "
        "`tierwise.value.validation`:",
        "",
        "| model | Σ conditional E[Y] (error) | cohort forecast, weeks 40–78 (error) | cumulative at week 78: "
        "actual / forecast (error) | customer-level correlation |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, h in holdout.items():
        lines.append(
            f"| {name} | {h['conditional']:,.0f} ({h['error']:+.1%}) | {h['cohort']:,.0f} "
            f"({h['cohort_error']:+.1%}) | {h['cumulative_actual']:,.0f} / {h['cumulative_predicted']:,.0f} "
            f"({h['cumulative_error']:+.1%}) | {h['correlation']:.3f} |"
        )
    lines += [
        "",
        "The published BG/NBD figure (−4 %) is the cumulative repeat purchases at week 78, calibration "
        "and holdout together: we reproduce it. Counted over the holdout weeks alone the same forecast is "
        "11 % low, and the sum of the customers' conditional expectations 12 % low — the model "
        "under-forecasts the second half of the CDNOW year.",
    ]
    return lines


def write_report(results: dict, machine: dict, jobs: list, published: dict) -> str:
    """Render the table and notes, write them as the "Value models" section, and return the text."""
    lines = [
        "`python -m bench.value` — fit time of one model on one summary, each fit in a fresh process "
        f"(BLAS single-threaded), {machine['machine']}, {machine['cores']} cores "
        f"(1-minute load {machine['load_before']:.1f} before, {machine['load_after']:.1f} after). "
        "Simulated customers are drawn from the published CDNOW parameters (T uniform on 20–80 weeks, whole "
        "days); Gamma-Gamma runs on the repeat buyers. LL: tierwise's log-likelihood evaluated at each "
        "contender's parameters on the same data; Δ is relative to tierwise's optimum.",
        "",
        "Versions: " + "; ".join(f"{k}: {v}" for k, v in machine["versions"].items()) + ".",
        "",
        "| data | model | contender | fit s | × tierwise | peak RSS GB | fit RSS GB "
        "| log-likelihood | Δ LL | parameters |",
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
            delta = (
                (r["loglik"] - ours["loglik"]) / abs(ours["loglik"])
                if "loglik" in r and "loglik" in ours
                else float("nan")
            )
            ll = f"{r['loglik']:,.2f}" if "loglik" in r else "–"
            lines.append(
                f"{head} {r['seconds']:.2f} | {ratio:.1f} | {r['peak_gb']:.2f} | {r['fit_gb']:.3f} | {ll} | "
                f"{delta:+.1e} | {_params(r['params'])} |"
            )
    lines += [
        "",
        "Recovery of the simulating parameters by tierwise (estimate ± standard error, and |error| / s.e.):",
        "",
    ]
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
    lines += ["", *targets(results), "", *holdout_lines(machine.get("holdout", {}))]
    text = "\n".join(lines)
    write_section("Value models", text)
    return text
