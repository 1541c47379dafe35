"""What the load test concludes: the yardsticks' ratios, the peak's outcomes, their integrity."""

import os
from collections import Counter, defaultdict

from bench.harness.outcomes import outcomes_check
from bench.load.mix import TARGET_BATCH_OUTCOMES_PER_S, TARGET_SUBMIT_OVER_INSERT, YARDSTICKS


def yardsticks_report(closed: dict, batch: int) -> dict:
    """The saturation rates side by side, with the ratios issue #19 sets targets for.

    On a machine shared with other work the rates of phases run one after the other see
    different contention, so each ratio is also given by CPU cost: the server's CPU time
    (gunicorn, PostgreSQL, Redis) per answered request, which other processes hardly move.
    """
    rate = {kind: phase.rate(kind) for kind, phase in closed.items()}
    cost = {kind: phase.cpu_ms_per_request(kind) for kind, phase in closed.items()}
    cores = os.cpu_count()

    def ratio(a, b):
        return a / b if b else 0.0

    # "A ÷ B" by rate, and by cost: how many A the CPU of one B pays for.
    pairs = {
        "signed-in no-op ÷ /ping": ("signed_in", "ping", 1),
        "one-INSERT ÷ signed-in no-op": ("insert", "signed_in", 1),
        "submission ÷ one-INSERT view": ("submit", "insert", 1),
        "submission ÷ /ping": ("submit", "ping", 1),
        "batch outcomes ÷ one-INSERT view": ("batch", "insert", batch),
    }
    ratios = {
        name: (ratio(rate[a] * n, rate[b]), ratio(cost[b] * n, cost[a]))
        for name, (a, b, n) in pairs.items()
    }
    batch_outcomes = rate["batch"] * batch
    batch_outcomes_by_cost = ratio(cores * 1000 * batch, cost["batch"])
    submit_ratio = ratios["submission ÷ one-INSERT view"]
    verdict = {
        "submit": submit_ratio[0] >= TARGET_SUBMIT_OVER_INSERT,
        "submit_by_cpu": submit_ratio[1] >= TARGET_SUBMIT_OVER_INSERT,
        "batch": batch_outcomes >= TARGET_BATCH_OUTCOMES_PER_S,
        "batch_by_cpu": batch_outcomes_by_cost >= TARGET_BATCH_OUTCOMES_PER_S,
    }

    def met(ok):
        return "met" if ok else "MISSED"

    print("\nsaturation yardsticks (closed loop, one after the other in this run):")
    print(f"  {'':<36}{'req/s':>9}  {'server CPU ms/request':>22}")
    for kind, title in YARDSTICKS.items():
        extra = f"  = {batch_outcomes:,.0f} outcomes/s" if kind == "batch" else ""
        title = f"{title} of {batch}" if kind == "batch" else title
        print(f"  {title:<36}{rate[kind]:>9,.1f}  {cost[kind]:>22.1f}{extra}")
    print(f"  {'':<36}{'by rate':>9}  {'by CPU cost':>22}")
    for name, (by_rate, by_cost) in ratios.items():
        target = ""
        if name.startswith("submission ÷ one-INSERT"):
            target = (f"  target ≥ {TARGET_SUBMIT_OVER_INSERT}: {met(verdict['submit'])} by "
                      f"rate, {met(verdict['submit_by_cpu'])} by CPU cost")  # fmt: skip
        print(f"  {name:<36}{by_rate:>9.2f}  {by_cost:>22.2f}{target}")
    print(f"  batch of {batch}: {batch_outcomes:,.0f} outcomes/s measured, "
          f"{batch_outcomes_by_cost:,.0f}/s if the server had the {cores} cores (by CPU cost); "
          f"target ≥ {TARGET_BATCH_OUTCOMES_PER_S:,}: {met(verdict['batch'])} measured, "
          f"{met(verdict['batch_by_cpu'])} by CPU cost")  # fmt: skip
    return {
        "per_second": {k: round(v, 1) for k, v in rate.items()},
        "server_cpu_ms_per_request": {k: round(v, 2) for k, v in cost.items()},
        "batch_outcomes_per_second": round(batch_outcomes),
        "batch_outcomes_per_second_by_cpu": round(batch_outcomes_by_cost),
        "ratios": {
            k: {"by_rate": round(r, 3), "by_cpu": round(c, 3)} for k, (r, c) in ratios.items()
        },  # fmt: skip
        "targets_met": verdict,
    }


def peak_outcomes_report(peak, args) -> dict:
    """Outcomes offered (each UUID once, however often sent) and stored per second."""
    from visits.models import UnitOutcome

    uuids = list({u for u, _ in peak.sent})
    offered = len(uuids) / args.duration
    stored = UnitOutcome.objects.filter(client_uuid__in=uuids).count() / peak.seconds
    nominal = args.rates["submit"] + args.rates["batch"] * args.batch
    print(f"\npeak outcomes: {offered:.1f}/s offered (nominal {nominal:g}/s: "
          f"{args.rates['submit']:g} submissions + {args.rates['batch']:g} batches of "
          f"{args.batch}), {stored:.1f}/s stored; {peak.fates['retry']} sends repeated after "
          f"a dropped answer, {peak.fates['race']} sent twice at once; budget ≥ 100 "
          "submissions/s")  # fmt: skip
    return {"offered_per_second": round(offered, 1), "stored_per_second": round(stored, 1),
            "retried": peak.fates["retry"], "raced": peak.fates["race"]}  # fmt: skip


def integrity_check(sent: list, world: dict, inserts: int) -> dict:
    """What the database holds for every UUID sent, against what the answers said.

    `sent` has one (client_uuid, answer) pair per item per send; the answer is None when it
    was never read (the connection dropped on purpose, or the request failed). A UUID any
    answer confirmed ("stored" or "duplicate") must have exactly one row; none may have two
    rows or two "stored" answers; a resend of the same content is never a "conflict". The
    units and towers of the pantarlih who sent must hold totals equal to a recount.
    """
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from buildings.totals import drift
    from visits.models import UnitOutcome

    answers = defaultdict(list)
    for client_uuid, answer in sent:
        answers[client_uuid].append(answer)
    rows = {
        str(k): v
        for k, v in UnitOutcome.objects.filter(client_uuid__in=list(answers))
        .values_list("client_uuid")
        .annotate(n=Count("pk"))
        .values_list("client_uuid", "n")
    }
    confirmed = {u for u, a in answers.items() if {"stored", "duplicate"} & set(a)}
    unit_ids = sorted({pk for me in world["pantarlih"] for pk in me["units"]})
    tower_ids = sorted({me["tower"] for me in world["pantarlih"]})
    units = outcomes_check(list(answers), unit_ids)
    towers = drift(tower_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {settings.YARDSTICK_TABLE}")
        insert_rows = cursor.fetchone()[0]
    result = {
        "uuids_sent": len(answers),
        "sends": len(sent),
        "answers": dict(sorted(Counter(a or "no answer read" for _, a in sent).items())),
        "rows_found": sum(rows.values()),
        "lost": sum(1 for u in confirmed if u not in rows),
        "doubled_rows": sum(n - 1 for n in rows.values() if n > 1),
        "answered_stored_twice": sum(1 for a in answers.values() if a.count("stored") > 1),
        "conflicts": sum(1 for a in answers.values() if "conflict" in a),
        "never_confirmed": len(answers) - len(confirmed),
        "never_confirmed_but_stored": sum(1 for u in answers if u not in confirmed and u in rows),
        "units_checked": units["units_checked"],
        "units_with_wrong_totals": units["units_with_wrong_totals"],
        "towers_checked": len(tower_ids),
        "towers_with_wrong_totals": len(towers.towers),
        "insert_view_rows": insert_rows,
        "insert_view_answered_stored": inserts,
    }
    result["doubled"] = result["doubled_rows"] + result["answered_stored_twice"]
    ok = not (
        result["lost"] or result["doubled"] or result["conflicts"]
        or result["units_with_wrong_totals"] or result["towers_with_wrong_totals"]
        or insert_rows != inserts
    )  # fmt: skip
    print(f"\nintegrity: {result['uuids_sent']:,} UUIDs in {result['sends']:,} sends (answers "
          f"{result['answers']}); {result['rows_found']:,} rows; {result['lost']} lost, "
          f"{result['doubled']} doubled ({result['doubled_rows']} extra rows, "
          f"{result['answered_stored_twice']} answered stored twice), {result['conflicts']} "
          f"conflicts; {result['never_confirmed']} never confirmed "
          f"({result['never_confirmed_but_stored']} of them stored); unit totals wrong "
          f"{result['units_with_wrong_totals']}/{result['units_checked']:,}, tower totals wrong "
          f"{result['towers_with_wrong_totals']}/{result['towers_checked']}; one-INSERT view "
          f"{insert_rows:,} rows for {inserts:,} answers — {'OK' if ok else 'FAILED'}")  # fmt: skip
    result["ok"] = ok
    return result
