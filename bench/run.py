"""The whole benchmark in one command (`make bench`): writes bench/RESULTS.md.

    .venv/bin/python bench/run.py [--duration 3] [--repeats 3] [--port 8765] [--keep] [--postgres]

1. a fresh SQLite database in a temporary folder (or, with --postgres, a throw-away PostgreSQL from
   scripts/with_postgres.py), migrated and filled by bench/generate.py;
2. collectstatic (into STATIC_ROOT, as in production);
3. gunicorn with production settings (bench/settings.py: portal.settings.production plus a temporary
   media folder), 2 sync workers on 127.0.0.1, measured with wrk (2 threads, 10 connections): every public
   page uncached (a Lua script gives each request a unique query string, so the page cache misses) and
   cached, a static file served by whitenoise, the reference page; repeats are interleaved and
   `duration` seconds each;
4. certificate lookups once more with the rate limiter off (with it on, all but 10 a minute are 429);
5. in-process timings (bench/inprocess.py): admin entry list, transitions, a year's allowance run, and
   profiles of whatever misses its target.
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "RESULTS.md"
LUA = ROOT / "bench" / "unique_query.lua"

PUBLIC = ["home", "policy", "publicity", "results", "roster", "profile", "verify"]
LABELS = {
    "home": "home",
    "policy": "policy",
    "publicity": "publicity notice (district, with candidates)",
    "results": "results notice",
    "roster": "roster page (all chief technicians)",
    "profile": "profile page",
    "verify": "certificate lookup (rate limit on)",
    "verify-nolimit": "certificate lookup (rate limit off)",
    "bare": "reference: bare page",
    "static": "reference: static file (whitenoise)",
}
# Targets (issue 6).
UNCACHED_RATIO = 0.8
CACHED_RATIO = 0.7
ADMIN_MS = 150
TRANSITION_MS = 20
ALLOWANCE_MS = 2000


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(cmd, env, **kwargs):
    started = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)
    return round(time.perf_counter() - started, 1)


# --- gunicorn and wrk ---


class Server:
    def __init__(self, env, port, log_path):
        self.env, self.port, self.log_path = env, port, log_path
        self.proc = None

    def __enter__(self):
        gunicorn = str(Path(PY).with_name("gunicorn"))
        cmd = [gunicorn, "portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        self.log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                fetch(self.port, "/static/does-not-exist")
            except OSError:
                time.sleep(0.2)
                continue
            return self
        raise RuntimeError("gunicorn did not start within 30 s")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def fetch(port, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:  # 404, 429: an answer all the same
        return exc.code, dict(exc.headers), exc.read()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port, path, duration, unique):
    cmd = ["wrk", "-t2", "-c10", f"-d{duration}s", "--timeout", "10s", "--latency"]
    cmd += ["-H", "X-Forwarded-Proto: https"]
    if unique:
        cmd += ["-s", str(LUA)]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M))
    return {
        "rps": rps,
        "requests": total,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
    }


def cpu_times() -> list[int]:
    return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def steal_share(before: list[int], after: list[int]) -> float:
    """Share of CPU time the hypervisor gave to other guests (the `steal` column of /proc/stat)."""
    delta = [a - b for a, b in zip(after, before, strict=True)]
    return delta[7] / max(sum(delta[:8]), 1)


def settle(result: dict) -> None:
    """Waits until the workers have answered the requests wrk left queued when it stopped (up to 10
    connections' worth: about one p99 latency), so that a slow page does not slow down the next figure."""
    time.sleep(min(result["p99_ms"] / 1000, 8) + 0.2)


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


# --- the run ---


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text()).group(1)
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    import django
    import wagtail

    try:
        import gunicorn

        gunicorn_version = gunicorn.__version__
    except ImportError:
        gunicorn_version = "?"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{int(mem) / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "gunicorn": gunicorn_version,
        "wrk": wrk_version.strip(),
        "loadavg before": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def environment(tmp: Path, database_url: str | None) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CACHE_DIR=str(tmp / "cache"),
        PRIVATE_MEDIA_ROOT=str(tmp / "private"),
        BENCH_MEDIA_ROOT=str(tmp / "media"),
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    env["DATABASE_URL"] = database_url or f"sqlite:///{tmp / 'db.sqlite3'}"
    return env


def static_path() -> str:
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/portal.css"]


def main() -> int:
    parser = argparse.ArgumentParser(description="make bench")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "3")))
    parser.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", "3")))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8765")))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL via scripts/with_postgres.py")
    parser.add_argument("--results", default=str(RESULTS))
    args = parser.parse_args()
    if args.postgres and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # Re-run under a throw-away PostgreSQL; with_postgres.py sets DATABASE_URL.
        argv = [PY, str(ROOT / "scripts" / "with_postgres.py"), PY, *sys.argv]
        return subprocess.call(argv, cwd=ROOT)
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (Debian) — see bench/RESULTS.md", file=sys.stderr)
        return 2

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = environment(tmp, os.environ.get("DATABASE_URL") if args.postgres else None)
    database = "PostgreSQL (scripts/with_postgres.py)" if args.postgres else "SQLite (temporary file)"
    info = {"machine": machine(), "database": database, "steps": {}}
    try:
        log(f"temporary folder {tmp}; {database}")
        info["steps"]["migrate"] = run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        log("generating the data set")
        info["steps"]["generate"] = run(
            [PY, "-m", "bench.generate", "--out", str(tmp / "gen.json")], env, stdout=subprocess.DEVNULL
        )
        generated = json.loads((tmp / "gen.json").read_text())
        info["steps"]["collectstatic"] = run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        urls = dict(generated["urls"], static=static_path())

        log("HTTP measurements")
        before = cpu_times()
        http = measure_http(env, args, urls, tmp)
        info["steal http"] = steal_share(before, cpu_times())
        log("in-process timings")
        before = cpu_times()
        inproc = measure_inprocess(env, tmp, http, urls)
        info["steal inprocess"] = steal_share(before, cpu_times())
        info["loadavg after"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        info["total_s"] = round(time.perf_counter() - started, 1)
        write_results(Path(args.results), info, generated, urls, http, inproc, args)
        log(f"done in {info['total_s']} s: {args.results}")
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def measure_http(env, args, urls, tmp) -> dict:
    samples: dict[tuple[str, str], list[dict]] = {}
    plan = [(name, "uncached") for name in [*PUBLIC, "bare"]]
    plan += [(name, "cached") for name in [*PUBLIC, "bare"] if name != "verify"]
    plan.append(("static", "static"))
    with Server(env, args.port, tmp / "gunicorn.log"):
        for name in [*PUBLIC, "bare"]:
            status, headers, _ = fetch(args.port, urls[name])
            if status != 200:
                raise RuntimeError(f"{urls[name]}: {status}")
        for name in [*PUBLIC, "bare", "static"]:
            wrk(args.port, urls[name], 1, unique=True)  # warm both workers (templates, first queries); not counted
        checks = {}
        for name in [*PUBLIC, "bare"]:
            _, headers, _ = fetch(args.port, urls[name])
            checks[name] = headers.get("X-Portal-Cache", "not cached")
        for rep in range(args.repeats):
            for name, mode in plan:
                if mode == "cached":
                    fetch(args.port, urls[name])  # the entry may have been culled by the uncached runs
                result = wrk(args.port, urls[name], args.duration, unique=(mode == "uncached"))
                samples.setdefault((name, mode), []).append(result)
                settle(result)
            log(f"round {rep + 1}/{args.repeats} done")
    nolimit_env = dict(env, BENCH_RATELIMIT="off")
    with Server(nolimit_env, args.port, tmp / "gunicorn.log"):
        fetch(args.port, urls["verify"])
        for _ in range(args.repeats):
            result = wrk(args.port, urls["verify"], args.duration, unique=True)
            samples.setdefault(("verify-nolimit", "uncached"), []).append(result)
            settle(result)
    return {"samples": {f"{k[0]}|{k[1]}": v for k, v in samples.items()}, "cache_check": checks}


def rps(http, name, mode):
    return spread([s["rps"] for s in http["samples"][f"{name}|{mode}"]])


def measure_inprocess(env, tmp, http, urls) -> dict:
    bare = rps(http, "bare", "uncached")["median"]
    static = rps(http, "static", "static")["median"]
    specs = []
    for name in PUBLIC:
        if rps(http, name, "uncached")["median"] < UNCACHED_RATIO * bare:
            specs.append(f"{name}={urls[name]}")
        if name != "verify" and rps(http, name, "cached")["median"] < CACHED_RATIO * static:
            specs.append(f"{name} (cached)={urls[name]}")
    out = tmp / "inprocess.json"
    cmd = [PY, "-m", "bench.inprocess", "--out", str(out), "--urls", str(tmp / "gen.json")]
    for spec in specs:
        cmd += ["--profile", spec]
    run(cmd, dict(env, BENCH_RATELIMIT="off"))
    result = json.loads(out.read_text())
    timings = result["timings"]
    extra = []
    for name, value in timings.items():
        limit = _limit(name)
        if limit and "summary" in value and value["summary"]["median"] >= limit:
            extra.append(name)
    if extra:
        # Profiles of the in-process figures that miss their targets.
        specs = []
        for name in extra:
            if name.startswith("admin"):
                query = timings[name]["url"].partition("?")[2]
                specs.append(f"{name}=admin:{'?' + query if query else ''}")
            elif name.startswith("allowance"):
                specs.append("allowance")
        if specs:
            again = tmp / "profiles.json"
            cmd = [PY, "-m", "bench.inprocess", "--out", str(again)]
            for spec in specs:
                cmd += ["--profile", spec]
            run(cmd, env)
            result["profiles"].update(json.loads(again.read_text())["profiles"])
    return result


def _limit(name: str) -> float | None:
    if name.startswith("admin"):
        return ADMIN_MS
    if name.startswith("transition"):
        return TRANSITION_MS
    if name.startswith("allowance"):
        return ALLOWANCE_MS
    return None


# --- RESULTS.md ---


def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def write_results(path: Path, info, generated, urls, http, inproc, args) -> None:
    m = info["machine"]
    bare = rps(http, "bare", "uncached")
    static = rps(http, "static", "static")
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `make bench` (`bench/run.py`) on {datetime.date.today():%Y-%m-%d}; "
        f"whole run {fmt(info['total_s'])} s. Targets from issue 6.",
        "",
        "## Machine and set-up",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {m['nproc']} × {m['cpu']} |",
        f"| memory | {m['memory']} |",
        f"| OS | {m['os']} |",
        f"| Python / Django / Wagtail / gunicorn | {m['python']} / {m['django']} / {m['wagtail']} / {m['gunicorn']} |",
        f"| load generator | {m['wrk']}: 2 threads, 10 connections, {args.duration} s × {args.repeats} interleaved "
        "rounds per figure, on the same 2 cores as the server |",
        "| server | gunicorn, 2 sync workers, 127.0.0.1, `bench.settings` = `portal.settings.production` "
        "(DEBUG off, whitenoise, file cache shared by the workers, security middleware, CSP, axes), "
        "requests carry `X-Forwarded-Proto: https` as from the HTTPS proxy |",
        f"| database | {info['database']} |",
        f"| load average before / after the run | {m['loadavg before']} / {info['loadavg after']} |",
        f"| CPU steal (time taken by other guests of the host) | {info['steal http']:.0%} during the HTTP "
        f"measurements, {info['steal inprocess']:.0%} during the in-process ones |",
        "",
        "Command: `make bench` (= `.venv/bin/python bench/run.py`; `--postgres` for PostgreSQL, `--keep` "
        "to keep the temporary folder).",
        "",
        "Steps (s): " + ", ".join(f"{k} {v}" for k, v in info["steps"].items()) + ".",
        "",
        "### Data set",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {fmt(v) if isinstance(v, int) else v} |" for k, v in generated["counts"].items()],
        "",
        "Generator steps (s): "
        + ", ".join(f"{k} {v}" for k, v in generated["timings"].items() if isinstance(v, float))
        + f". Reference page model: `{generated['bare_model']}` (renders only its title).",
        "",
        "## Public pages (wrk)",
        "",
        "Requests per second: median of the rounds, with min–max; latency p50 / p99 of the median round. "
        "*Uncached*: every request has a unique query string (`bench/unique_query.lua`), so the page cache "
        "misses and the page is rendered (addresses with unknown query strings are rendered, never stored). "
        "Site chrome, page content fragments and derived values (windows, batch lists) of the current "
        "generation still come from each worker's memory: the steady cost of a page-cache miss. The first "
        "render after a change, when those miss too, is timed in-process below (*cold*). "
        "*Cached*: one URL, served from the page cache.",
        "",
        "| page | URL | uncached req/s | ÷ bare | p50 / p99 ms | cached req/s | ÷ static | p50 / p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for name in [*PUBLIC, "verify-nolimit", "bare", "static"]:
        url = urls["verify" if name == "verify-nolimit" else name]
        cells = [LABELS[name], f"`{url}`"]
        uncached_mode = "static" if name == "static" else "uncached"
        u = rps(http, name, uncached_mode)
        us = _median_sample(http, name, uncached_mode)
        cells += [f"{fmt(u['median'])} ({fmt(u['min'])}–{fmt(u['max'])})", f"{u['median'] / bare['median']:.2f}"]
        cells.append(f"{fmt(us['p50_ms'], 1)} / {fmt(us['p99_ms'], 1)}")
        if f"{name}|cached" in http["samples"]:
            c = rps(http, name, "cached")
            cs = _median_sample(http, name, "cached")
            cells += [
                f"{fmt(c['median'])} ({fmt(c['min'])}–{fmt(c['max'])})",
                f"{c['median'] / static['median']:.2f}",
                f"{fmt(cs['p50_ms'], 1)} / {fmt(cs['p99_ms'], 1)}",
            ]
        else:
            cells += ["—", "—", "—"]
        lines.append("| " + " | ".join(cells) + " |")
        if name in PUBLIC or name == "verify-nolimit":
            ok_u = u["median"] >= UNCACHED_RATIO * bare["median"]
            verdicts.append(
                (f"{LABELS[name]}: uncached ≥ {UNCACHED_RATIO}× bare", ok_u, f"{u['median'] / bare['median']:.2f}×")
            )
            if f"{name}|cached" in http["samples"]:
                c = rps(http, name, "cached")
                ok_c = c["median"] >= CACHED_RATIO * static["median"]
                verdicts.append(
                    (f"{LABELS[name]}: cached ≥ {CACHED_RATIO}× static", ok_c, f"{c['median'] / static['median']:.2f}×")
                )
    bad = {k: sum(s["non_2xx"] for s in v) for k, v in http["samples"].items() if any(s["non_2xx"] for s in v)}
    errors = {k: [s["socket_errors"] for s in v if s["socket_errors"]] for k, v in http["samples"].items()}
    errors = {k: v for k, v in errors.items() if v}
    lines += [
        "",
        "Page cache check (second plain GET): "
        + ", ".join(f"{k} {v}" for k, v in http["cache_check"].items())
        + ". Non-2xx responses: "
        + (", ".join(f"{k} {v}" for k, v in bad.items()) or "none")
        + ". Socket errors: "
        + ("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()) or "none")
        + ".",
        "",
        "## Public pages past the page cache (in-process)",
        "",
        "Anonymous renders through `django.test.Client` with a unique query string, milliseconds (median, "
        "min–max). *Warm*: fragments and derived values of the current generation in memory (what wrk "
        "measures above). *Cold*: the generation bumped before every request, as after any change, so "
        "everything is computed and rendered afresh.",
        "",
        "| page | warm ms | ÷ bare warm | cold ms | ÷ bare cold |",
        "|---|---:|---:|---:|---:|",
        *_render_rows(inproc.get("renders", {})),
        "",
        "## Staff side and records (in-process)",
        "",
        "`django.test.Client` for the office user (`office`), `roster.services.perform`, "
        "`roster.allowance.compute_run`; milliseconds, median with min–max and interquartile range.",
        "",
        "| what | queries | median ms | min–max | q1–q3 | n | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, value in inproc["timings"].items():
        limit = _limit(name)
        if "error" in value:
            lines.append(f"| {name} | — | **error** | `{value['error'][:160]}` | | | < {limit} ms |")
            verdicts.append((f"{name} < {limit} ms", False, "error"))
            continue
        s = value["summary"]
        extra = f" ({value['lines']} lines, {value['entries']} certified entries)" if "lines" in value else ""
        lines.append(
            f"| {name}{extra} | {value.get('queries', '')} | {fmt(s['median'], 1)} | {fmt(s['min'], 1)}–{fmt(s['max'], 1)}"
            f" | {fmt(s['q1'], 1)}–{fmt(s['q3'], 1)} | {s['n']} | < {fmt(limit)} ms |"
        )
        verdicts.append((f"{name} < {fmt(limit)} ms", s["median"] < limit, f"{fmt(s['median'], 1)} ms"))
    met = sum(1 for _, ok, _ in verdicts if ok)
    lines += ["", f"## Targets: {met} of {len(verdicts)} met", "", "| target | figure | met |", "|---|---:|---|"]
    lines += [f"| {what} | {figure} | {'yes' if ok else '**no**'} |" for what, ok, figure in verdicts]
    lines += ["", "<!-- analysis -->", ""]
    analysis = RESULTS.with_name("ANALYSIS.md")
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf-8").strip(), ""]
    if inproc["profiles"]:
        lines += ["## Profiles of what misses its target", ""]
        lines += [
            "pyinstrument (library frames folded), "
            "anonymous renders through `django.test.Client` on the same data set; uncached renders use a unique "
            "query string.",
            "",
        ]
        for name, text in inproc["profiles"].items():
            lines += [f"### {name}", "", "```", text.rstrip(), "```", ""]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def _render_rows(renders: dict) -> list[str]:
    if "bare" not in renders:
        return []
    bare = renders["bare"]
    rows = []
    for name, value in renders.items():
        w, c = value["warm"], value["cold"]
        rows.append(
            f"| {LABELS.get(name, name)} | {fmt(w['median'], 1)} ({fmt(w['min'], 1)}–{fmt(w['max'], 1)})"
            f" | {bare['warm']['median'] / w['median']:.2f}"
            f" | {fmt(c['median'], 1)} ({fmt(c['min'], 1)}–{fmt(c['max'], 1)})"
            f" | {bare['cold']['median'] / c['median']:.2f} |"
        )
    return rows


def _median_sample(http, name, mode):
    runs = sorted(http["samples"][f"{name}|{mode}"], key=lambda s: s["rps"])
    return runs[len(runs) // 2]


if __name__ == "__main__":
    sys.exit(main())
