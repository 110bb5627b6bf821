#!/usr/bin/env python3
"""Writes the policy-test suite of benches/policy_suite/ (`cargo bench --bench
policy_tests` times it): 1,000 steps in all, as many short cases (a few purchases, a
return, a redemption, an adjustment) and a few long timelines over a year (ending with the
expiry notice and the year-end expiry).

The expected points and balances are worked out here from the club's rules, not read back
from bashgah, so the suite checks the engine as well as timing it. The figures stay exact:
a purchase that is returned is a multiple of 40,000 IRR and is returned whole or half, so
every rule's share of it is a whole number. Returns and redemptions are only made when the
member has the points they take; a redemption or adjustment that asks for more is expected
to fail with bashgah's message.

Run from the repository's root: `python3 benches/write_policy_suite.py`. The output is
deterministic (a fixed seed).
"""

import datetime
import random
from pathlib import Path

SUITE = Path(__file__).resolve().parent / "policy_suite" / "tests"
YEAR = 2025
REWARDS = {"coffee": 50, "voucher": 300}
SHORT_CASES = 120
SHORT_STEPS = 5
LONG_CASES = 8
LONG_STEPS = 50
# Long timelines end with these two advances: the notice (30 days before the year's end),
# then the expiry itself.
NOTICE_DAY = datetime.date(YEAR, 12, 10)
YEAR_END = datetime.date(YEAR + 1, 1, 1)


def points_of(amount, day):
    """What the club's three rules give a purchase, by rule (benches/policy_suite/earn.rhai)."""
    rules = {"base": amount // 10_000}
    if day.weekday() >= 5:
        rules["weekend"] = amount // 20_000
    if amount > 1_000_000:
        rules["big_basket"] = 50
    return {rule: points for rule, points in rules.items() if points}


class Timeline:
    """One case: its members' balances and the steps written so far."""

    def __init__(self, rng, members, start):
        self.rng = rng
        self.members = members
        self.balance = {m: 0 for m in members}
        self.day = start
        self.steps = []
        self.points = {}
        self.purchases = []  # (id, member, amount, rule points) not yet returned
        self.events = 0

    def next_day(self, most):
        self.day += datetime.timedelta(days=self.rng.randint(0, most))

    def purchase(self, returnable):
        member = self.rng.choice(self.members)
        if returnable:
            amount = 40_000 * self.rng.randint(1, 40)
        else:
            amount = 1_000 * self.rng.randint(10, 2_500)
        self.events += 1
        event = f"P{self.events}"
        rules = points_of(amount, self.day)
        total = sum(rules.values())
        self.balance[member] += total
        self.points[event] = total
        if returnable:
            self.purchases.append((event, member, amount, rules))
        self.steps.append(
            f"event: {{id: {event}, member: {member}, date: {self.day}, amount: {amount}}}"
        )

    def give_back(self):
        """A whole or half return of a returnable purchase, if its member has the points."""
        for i, (original, member, amount, rules) in enumerate(self.purchases):
            whole = self.rng.random() < 0.3
            returned = amount if whole else amount // 2
            taken = sum(p if whole else p // 2 for p in rules.values())
            if taken <= self.balance[member]:
                del self.purchases[i]
                self.events += 1
                event = f"R{self.events}"
                self.balance[member] -= taken
                self.points[event] = -taken
                self.steps.append(
                    f"event: {{id: {event}, member: {member}, date: {self.day}, amount: {returned}, type: return, original: {original}}}"
                )
                return True
        return False

    def redeem(self):
        member = self.rng.choice(self.members)
        reward = self.rng.choice(sorted(REWARDS))
        cost = REWARDS[reward]
        step = f"redeem: {{member: {member}, reward: {reward}, date: {self.day}}}"
        if cost <= self.balance[member]:
            self.balance[member] -= cost
            self.steps.append(step)
        else:
            self.steps.append(f"{step}\n      error: fewer than the {cost} needed")

    def adjust(self):
        member = self.rng.choice(self.members)
        points = self.rng.choice([-40, -15, 10, 25, 100])
        reason = "goodwill" if points > 0 else "correction"
        step = f"adjust: {{member: {member}, points: {points}, reason: {reason}, date: {self.day}}}"
        if points < 0 and -points > self.balance[member]:
            self.steps.append(f"{step}\n      error: fewer than the {-points} to take")
        else:
            self.balance[member] += points
            self.steps.append(step)

    def advance(self, to):
        self.day = max(self.day, to)
        self.steps.append(f"advance: {to}")

    def expect_balances_now(self):
        """A `then` on the last step: every member's balance at this point."""
        balances = ", ".join(f"{m}: {self.balance[m]}" for m in self.members)
        self.steps[-1] += f"\n      then:\n        balance: {{{balances}}}"


def step_lines(steps):
    return "".join(f"    - {step}\n" for step in steps)


def short_case(rng, n):
    """A few purchases by one or two members, then one of a return, a redemption or an
    adjustment, and the points and balances after."""
    members = ["M1", "M2"][: rng.randint(1, 2)]
    start = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
    case = Timeline(rng, members, start)
    given = []
    for member in members:
        balance = rng.choice([0, 0, 40, 120, 400])
        case.balance[member] = balance
        given.append(f"{{id: {member}, balance: {balance}}}" if balance else f"{{id: {member}}}")
    while len(case.steps) < SHORT_STEPS - 1:
        case.purchase(returnable=rng.random() < 0.5)
        case.next_day(3)
    kind = rng.choice(["return", "redemption", "adjustment"])
    if kind == "return" and not case.give_back():
        kind = "redemption"
    if kind == "redemption":
        case.redeem()
    elif kind == "adjustment":
        case.adjust()
    points = ", ".join(f"{e}: {p}" for e, p in case.points.items())
    balances = ", ".join(f"{m}: {case.balance[m]}" for m in members)
    return (
        f"- name: purchases, then a {kind} ({n})\n"
        f"  given:\n    members: [{', '.join(given)}]\n"
        f"  when:\n{step_lines(case.steps)}"
        f"  then:\n    points: {{{points}}}\n    balance: {{{balances}}}\n"
    )


def long_case(rng, n):
    """A year of three members: purchases, returns, redemptions, adjustments and the clock
    moving, balances checked along the way, then the notice and the year-end expiry."""
    members = ["M1", "M2", "M3"]
    case = Timeline(rng, members, datetime.date(YEAR, 1, 2))
    # The notice and the expiry are the last two steps.
    while len(case.steps) < LONG_STEPS - 2:
        roll = rng.random()
        if roll < 0.55:
            case.purchase(returnable=rng.random() < 0.5)
        elif roll < 0.67:
            if not case.give_back():
                case.purchase(returnable=True)
        elif roll < 0.8:
            case.redeem()
        elif roll < 0.88:
            case.adjust()
        else:
            case.advance(min(case.day + datetime.timedelta(days=rng.randint(1, 20)), datetime.date(YEAR, 11, 30)))
        if len(case.steps) % 10 == 0:
            case.expect_balances_now()
        case.next_day(6)
        case.day = min(case.day, datetime.date(YEAR, 11, 30))
    told = {m: ["expiring_soon"] if case.balance[m] > 0 else [] for m in members}
    case.advance(NOTICE_DAY)
    case.expect_balances_now()
    case.advance(YEAR_END)
    points = ", ".join(f"{e}: {p}" for e, p in case.points.items())
    messages = ", ".join(f"{m}: [{', '.join(told[m])}]" for m in members)
    zero = ", ".join(f"{m}: 0" for m in members)
    return (
        f"- name: a year of three members, {n}\n"
        f"  given:\n    members: [{{id: M1}}, {{id: M2}}, {{id: M3}}]\n"
        f"  when:\n{step_lines(case.steps)}"
        f"  then:\n    points: {{{points}}}\n    messages: {{{messages}}}\n    balance: {{{zero}}}\n"
    )


def main():
    rng = random.Random(20251213)
    SUITE.mkdir(parents=True, exist_ok=True)
    header = "# Written by benches/write_policy_suite.py: edit that instead.\n"
    short = [short_case(rng, n + 1) for n in range(SHORT_CASES)]
    long = [long_case(rng, n + 1) for n in range(LONG_CASES)]
    (SUITE / "short.yaml").write_text(header + "\n".join(short))
    (SUITE / "timelines.yaml").write_text(header + "\n".join(long))
    steps = SHORT_CASES * SHORT_STEPS + LONG_CASES * LONG_STEPS
    print(f"{SHORT_CASES + LONG_CASES} cases, {steps} steps in {SUITE}")


if __name__ == "__main__":
    main()
