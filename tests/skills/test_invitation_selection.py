"""Unit tests of ``choose_invitees``, the pure function that decides whom an "Invite matching colleagues" asks:
who is left out, how the rest are ranked, and that many rounds spread the asking evenly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.invitations import ASK_WINDOW, Candidate, Choice, InviteSituation, choose_invitees

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SEO = frozenset({"seo"})


def ids(choices: list[Choice]) -> list[int]:
    return [c.member_id for c in choices]


def person(member_id: int, department: str | None = "sales", **fields: object) -> Candidate:
    values: dict[str, object] = {"skills": SEO, "department": department, **fields}
    return Candidate(member_id=member_id, **values)  # type: ignore[arg-type]


def test_only_people_with_a_wanted_skill_are_chosen_and_the_choice_names_the_matching_skills() -> None:
    candidates = [
        person(1, skills=frozenset({"video"})),
        person(2, skills=frozenset({"seo", "writing", "video"})),
        person(3, skills=frozenset({"writing"})),
    ]
    chosen = choose_invitees(candidates, InviteSituation(wanted=frozenset({"seo", "writing"}), count=5))
    assert chosen == [Choice(2, ("seo", "writing")), Choice(3, ("writing",))]


def test_excluded_opted_out_and_over_the_limit_people_are_never_chosen() -> None:
    candidates = [
        person(1),  # the owner, a volunteer or already invited: excluded by the caller
        person(2, invitations_enabled=False),
        person(3, asks_lately=4),
        person(4, asks_lately=3),
        person(5, asks_lately=9),
    ]
    situation = InviteSituation(wanted=SEO, excluded=frozenset({1}), count=5, ask_limit=4)
    assert ids(choose_invitees(candidates, situation)) == [4]


def test_a_persons_own_limit_lowers_the_workspaces_but_never_raises_it_and_zero_means_never() -> None:
    candidates = [
        person(1, ask_limit=1, asks_lately=1),  # chose once a month, asked once: done
        person(2, ask_limit=2, asks_lately=1),
        person(3, ask_limit=0),  # never
        person(4, ask_limit=10, asks_lately=4),  # more than the workspace allows: the workspace's limit holds
        person(5, ask_limit=None, asks_lately=3),
    ]
    situation = InviteSituation(wanted=SEO, count=5, ask_limit=4)
    assert ids(choose_invitees(candidates, situation)) == [2, 5]


def test_no_candidates_or_a_count_of_zero_choose_nobody() -> None:
    assert choose_invitees([], InviteSituation(wanted=SEO)) == []
    assert choose_invitees([person(1)], InviteSituation(wanted=SEO, count=0)) == []
    assert choose_invitees([person(1)], InviteSituation(wanted=frozenset())) == []


def test_people_asked_fewer_times_in_the_last_year_come_first_before_departments_and_recency() -> None:
    candidates = [
        person(1, "marketing", asks_this_year=3, last_asked_at=NOW - timedelta(days=200)),
        person(2, "finance", asks_this_year=2, last_asked_at=NOW - timedelta(days=1)),
    ]
    situation = InviteSituation(wanted=SEO, involved_departments=frozenset({"finance"}), count=2)
    assert ids(choose_invitees(candidates, situation)) == [2, 1]


def test_among_people_asked_as_often_least_recently_asked_first_never_asked_before_anyone() -> None:
    candidates = [
        person(1, asks_this_year=1, last_asked_at=NOW - timedelta(days=40)),
        person(2, asks_this_year=1, last_asked_at=NOW - timedelta(days=90)),
        person(3, asks_this_year=1),  # asked more than a year ago
    ]
    assert ids(choose_invitees(candidates, InviteSituation(wanted=SEO, count=3))) == [3, 2, 1]


def test_departments_not_yet_involved_outrank_recency() -> None:
    candidates = [
        person(1, "marketing", asks_this_year=1, last_asked_at=NOW - timedelta(days=90)),
        person(2, "finance", asks_this_year=1, last_asked_at=NOW - timedelta(days=2)),
    ]
    situation = InviteSituation(wanted=SEO, involved_departments=frozenset({"marketing"}), count=1)
    assert ids(choose_invitees(candidates, situation)) == [2]


def test_the_department_with_more_people_waiting_goes_first_so_nobody_is_left_to_pair_with_their_own() -> None:
    candidates = [person(1, "finance"), person(2, "sales"), person(3, "sales"), person(4, "sales")]
    assert ids(choose_invitees(candidates, InviteSituation(wanted=SEO, count=1))) == [2]
    # level by level: the two sales people asked once already do not count for the level of zero asks
    candidates = [
        person(1, "finance"),
        person(2, "sales"),
        person(3, "sales", asks_this_year=1),
        person(4, "sales", asks_this_year=1),
    ]
    assert ids(choose_invitees(candidates, InviteSituation(wanted=SEO, count=2))) == [1, 2]


def test_among_people_equally_due_departments_not_yet_involved_come_first() -> None:
    candidates = [
        person(1, "Marketing"),
        person(2, "sales"),
        person(3, None),
        person(4, "Support"),
    ]
    situation = InviteSituation(wanted=SEO, involved_departments=frozenset({"marketing", "SALES"}), count=4)
    # support (new) first, then the person without a department, then the involved departments by id
    assert ids(choose_invitees(candidates, situation)) == [4, 3, 1, 2]

    asked_together = NOW - timedelta(days=12)  # the same earlier round
    again = [person(m, d, last_asked_at=asked_together) for m, d in ((1, "sales"), (2, "sales"), (3, "support"))]
    situation = InviteSituation(wanted=SEO, involved_departments=frozenset({"sales"}), count=1)
    assert ids(choose_invitees(again, situation)) == [3]


def test_each_person_chosen_makes_their_department_involved_for_the_next_pick() -> None:
    candidates = [person(1, "sales"), person(2, "Sales "), person(3, "sales"), person(4, "support")]
    assert ids(choose_invitees(candidates, InviteSituation(wanted=SEO, count=2))) == [1, 4]
    assert ids(choose_invitees(candidates, InviteSituation(wanted=SEO, count=4))) == [1, 4, 2, 3]


def test_then_more_matching_skills_then_the_lower_member_id() -> None:
    wanted = frozenset({"seo", "writing"})
    candidates = [
        person(5, skills=frozenset({"seo"})),
        person(4, skills=frozenset({"seo", "writing"})),
        person(3, skills=frozenset({"writing"})),
    ]
    situation = InviteSituation(wanted=wanted, count=3, involved_departments=frozenset({"sales"}))
    assert ids(choose_invitees(candidates, situation)) == [4, 3, 5]


def test_many_rounds_spread_the_asking_evenly_and_respect_the_limit_in_every_30_days() -> None:
    """Thirty requests for SEO, one every third day, two invitations each, eight SEO people in three
    departments of different sizes plus one without a department, nobody answering: everyone is asked 7 or 8
    times, nobody more than four times in any 30 days, and every round crosses departments."""
    departments = {1: "sales", 2: "sales", 3: "sales", 4: "sales", 5: "support", 6: "support", 7: "finance", 8: None}
    asked: dict[int, list[datetime]] = {member_id: [] for member_id in departments}
    crossing = 0
    for round_number in range(30):
        now = NOW + timedelta(days=3 * round_number)
        candidates = [
            Candidate(
                member_id=member_id,
                skills=SEO,
                department=department,
                asks_lately=sum(1 for at in asked[member_id] if at > now - ASK_WINDOW),
                asks_this_year=len(asked[member_id]),
                last_asked_at=max(asked[member_id], default=None),
            )
            for member_id, department in departments.items()
        ]
        situation = InviteSituation(wanted=SEO, involved_departments=frozenset({"marketing"}), count=2, ask_limit=4)
        chosen = ids(choose_invitees(candidates, situation))
        assert len(chosen) == 2
        crossing += departments[chosen[0]] != departments[chosen[1]]
        for member_id in chosen:
            asked[member_id].append(now)

    counts = [len(times) for times in asked.values()]
    assert max(counts) - min(counts) <= 1
    for times in asked.values():
        for start in times:
            assert sum(1 for at in times if start <= at < start + ASK_WINDOW) <= 4
    assert crossing == 30
