"""In-process timings on the generated data set (run by bench/run.py after the HTTP measurements).

    DJANGO_SETTINGS_MODULE=... python -m bench.inprocess --out inprocess.json [--profile home=/ ...]

Public pages rendered past the page cache, warm and right after a change (`--urls`); the admin
entry list for the office user (unfiltered and filtered) through django.test.Client, one
transition through roster.services.perform, and a year's allowance run (compute_run); each repeated,
reported as every sample in milliseconds. `--profile name=url` profiles anonymous renders of a public
page (bypassing the page cache), `--profile name=admin:QUERY` the admin list, `--profile allowance`
the allowance run.
"""

import argparse
import json
import statistics
import time
import uuid

REPEATS = 15
TRANSITION_REPEATS = 20
ALLOWANCE_REPEATS = 5
ALLOWANCE_YEAR = 2026  # the current year's run, not approved: compute_run may recompute it
PROFILE_RENDERS = 20


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else [ordered[0]] * 3
    return {
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "q1": q[0],
        "q3": q[2],
        "n": len(ordered),
    }


def _ms(fn, repeats: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def _client(user=None):
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    if user is not None:
        from roster.twofactor import verified_client_session

        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        verified_client_session(client, user)
    return client


def _get(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return len(ctx.captured_queries)


def admin_lists(office) -> dict:
    from django.urls import reverse

    from roster.models import Round

    base = reverse("wagtailsnippets_roster_entry:list")
    demo_round = Round.objects.get(year=2024).pk
    cases = {
        "admin entry list, unfiltered": base,
        "admin entry list, status=active": f"{base}?status=active",
        "admin entry list, round=2024": f"{base}?round={demo_round}",
        "admin entry list, status=submitted & round=2024": f"{base}?status=submitted&round={demo_round}",
        "admin entry list, unit name contains “第0001号”": f"{base}?unit=第0001号",
        "admin entry list, search “基准01”": f"{base}?q=基准01",
    }
    client = _client(office)
    results = {}
    for name, url in cases.items():
        try:
            queries = _get(client, url)
        except Exception as exc:  # noqa: BLE001 - a failing view is reported, not fatal to the benchmark
            results[name] = {"url": url, "error": f"{type(exc).__name__}: {exc}"}
            continue
        results[name] = {"url": url, "queries": queries, "ms": _ms(lambda u=url: _get(client, u), REPEATS)}
    return results


def public_renders(urls: dict) -> dict:
    """Anonymous renders that miss the page cache (a unique query string), each page and the bare
    reference: *warm*, with the fragments and derived values of the current generation in memory, and
    *cold*, right after a change (the generation bumped before every request), when they miss too."""
    from home import cache as page_cache

    client = _client()
    results = {}
    for name, url in urls.items():
        sep = "&" if "?" in url else "?"

        def warm(u=url, s=sep):
            _get(client, f"{u}{s}bench={uuid.uuid4().hex}")

        def cold(u=url, s=sep):
            page_cache._bump()
            _get(client, f"{u}{s}bench={uuid.uuid4().hex}")

        results[name] = {"warm": summary(_ms(warm, REPEATS * 2)), "cold": summary(_ms(cold, REPEATS * 2))}
    return results


def transitions(office) -> dict:
    from roster.models import Entry
    from roster.services import perform
    from workflow.states import Status as S

    results = {}
    for name, state in (("pass_qualification", S.SUBMITTED), ("submit_to_leading_group", S.INSPECTION)):
        ids = list(
            Entry.objects.filter(status=state).order_by("pk").values_list("pk", flat=True)[: TRANSITION_REPEATS + 2]
        )
        samples = []
        for n, pk in enumerate(ids):
            entry = Entry.objects.select_related("round__rule_set", "person", "unit").get(pk=pk)
            t = time.perf_counter()
            perform(entry, name, office, comment="基准测试")
            if n >= 2:  # the first two warm up
                samples.append((time.perf_counter() - t) * 1000)
        results[f"transition {name} ({state} →)"] = {"ms": samples}
    return results


def allowance(office) -> dict:
    from roster.allowance import compute_run
    from roster.models import AllowanceLine

    samples = _ms(lambda: compute_run(ALLOWANCE_YEAR), ALLOWANCE_REPEATS, warmup=1)
    lines = AllowanceLine.objects.filter(run__year=ALLOWANCE_YEAR).count()
    from roster.allowance import certified_entries

    entries = certified_entries().count()
    return {f"allowance run {ALLOWANCE_YEAR} (compute_run)": {"ms": samples, "lines": lines, "entries": entries}}


def _profiler():
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None
    return Profiler(interval=0.0005)


def profile(fn, repeats: int) -> str:
    """The profile of `repeats` calls of fn: pyinstrument's call tree, or cProfile's top functions."""
    profiler = _profiler()
    if profiler is not None:
        profiler.start()
        for _ in range(repeats):
            fn()
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False)
        lines = [line for line in text.splitlines() if line.strip()]
        return "\n".join(lines[:70])
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeats):
        fn()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
    return out.getvalue()


def profiles(specs: list[str], office) -> dict:
    from django.core.cache import cache

    results = {}
    for spec in specs:
        name, _, target = spec.partition("=")
        if name == "allowance":
            from roster.allowance import compute_run

            results[name] = profile(lambda: compute_run(ALLOWANCE_YEAR), 2)
        elif target.startswith("admin:"):
            from django.urls import reverse

            client = _client(office)
            url = reverse("wagtailsnippets_roster_entry:list") + target[len("admin:") :]
            results[name] = profile(lambda u=url, c=client: _get(c, u), PROFILE_RENDERS)
        elif name.endswith("(cached)"):
            client = _client()
            _get(client, target)
            results[name] = profile(lambda u=target, c=client: _get(c, u), PROFILE_RENDERS * 5)
        else:
            client = _client()
            sep = "&" if "?" in target else "?"

            def render(u=target, s=sep, c=client):
                _get(c, f"{u}{s}bench={uuid.uuid4().hex}")

            results[name] = profile(render, PROFILE_RENDERS)
        cache.clear()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--urls", help="JSON file from bench.generate: time these public pages' renders")
    parser.add_argument("--profile", action="append", default=[], help="name=url, name=admin:?query, allowance")
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    office = get_user_model().objects.get(username="office")
    result = {"timings": {}, "profiles": {}}
    result["timings"].update(admin_lists(office))
    result["timings"].update(transitions(office))
    result["timings"].update(allowance(office))
    for value in result["timings"].values():
        if "ms" in value:
            value["summary"] = summary(value["ms"])
    if args.urls:
        with open(args.urls, encoding="utf-8") as f:
            result["renders"] = public_renders(json.load(f)["urls"])
    result["profiles"] = profiles(args.profile, office)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
