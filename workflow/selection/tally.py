"""From the sealed, counted ballots and the expert sheets to a ranking with winners.

All arithmetic is exact (:class:`fractions.Fraction`); scores are only rounded when written out,
as decimal strings with six places (round half to even), so Python, JavaScript and a spreadsheet
agree on every byte of the result and no float ever decides a rank.

Formulas (``c`` a candidate still in the race, ``ch`` a channel):

* ``votes_ch(c)`` = sum of the weights of counted ``ch`` ballots that choose ``c`` (public weight 1);
* channel score ``S_ch(c)`` = ``100 × votes_ch(c) / max_c' votes_ch(c')`` (share_of_max) or
  ``100 × votes_ch(c) / Σ_c' votes_ch(c')`` (share_of_total); 0 when the denominator is 0;
* vote score ``V(c)`` = ``Σ_ch w_ch × S_ch(c) / 100`` with the rules' channel weights;
* an expert's total for ``c`` = ``Σ_k w_k × s_k / 100`` over the criteria (each ``s_k`` 0–100);
  expert score ``E(c)`` = mean of the totals, after dropping one highest and one lowest when
  ``drop_high_low`` and at least ``min_panel_for_drop`` experts scored ``c``;
* combined = ``(votes% × V + experts% × E) / 100`` (weighted), ``V`` (votes_only) or ``E``
  (votes_as_reference).

Ranking: combined, then the rules' tie keys, all descending; candidates equal on all of them
share a rank and are ordered by the tie-break (see :func:`seed_order`). A disqualified candidate
is dropped from every ballot and from the normalisation, so a recount is this same function with
a larger ``disqualified`` set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

import msgspec

from workflow.errors import DomainError, ErrorKind, InvalidInput
from workflow.selection.ballot import Channel
from workflow.selection.common import canonical_json, is_candidate_id
from workflow.selection.rules import (
    CampaignRules,
    LiveResults,
    ScoreMode,
    TieKey,
    TieMethod,
    VoteNormalisation,
    rules_hash,
)
from workflow.selection.seal import SealManifest
from workflow.signing import sha256

TALLY_DOMAIN = "yide/tally/v1"
TIEBREAK_DOMAIN = b"yide/tiebreak/v1\x00"
SCORE_PLACES = 6


class CountedBallot(msgspec.Struct, frozen=True):
    """A ballot the seal marks counted: its channel, weight and choices."""

    channel: Channel
    weight: int
    choices: tuple[str, ...]


class ExpertSheet(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One expert's scores (0–100 per criterion key) for one candidate."""

    expert: str
    candidate: str
    scores: dict[str, int]


class TieBreakInput(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The revealed seed (published_seed) or the drawn order of candidates (drawing_of_lots)."""

    seed: str | None = None
    lots: tuple[str, ...] = ()


class ChannelTurnout(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    channel: Channel
    ballots: int
    weight: int
    blank: int


class CandidateResult(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    candidate: str
    position: int
    rank: int
    winner: bool
    staff_ballots: int
    staff_votes: int
    public_votes: int
    staff_score: str
    public_score: str
    vote_score: str
    experts: int
    expert_score: str | None
    combined: str
    tie_break: str
    """``none`` (no tie), ``seed``, ``lots``, or ``unbroken`` (tie that decides nothing)."""


class TallyResult(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    domain: str
    campaign: str
    rules: str
    seal: str
    turnout: tuple[ChannelTurnout, ...]
    candidates: tuple[CandidateResult, ...]
    disqualified: tuple[str, ...]
    winners: tuple[str, ...]
    tie_seed: str | None
    tie_lots: tuple[str, ...]


class TieUnresolved(DomainError):
    """A tie decides who wins and no drawing of lots covers it yet: hold the drawing, then retally."""

    kind: ClassVar[ErrorKind] = ErrorKind.CONFLICT
    code: ClassVar[str] = "tie-unresolved"
    title: ClassVar[str] = "A tie needs a drawing of lots"


@dataclass(frozen=True, slots=True)
class _Score:
    staff_ballots: int
    staff_votes: int
    public_votes: int
    staff_score: Fraction
    public_score: Fraction
    vote: Fraction
    experts: int
    expert: Fraction | None
    combined: Fraction


def counted_from_seal(manifest: SealManifest, choices: Mapping[str, Sequence[str]]) -> list[CountedBallot]:
    """The tally's input: counted entries of the seal, with choices read from the ledger ballots."""
    missing = sorted(code for code in manifest.counted() if code not in choices)
    if missing:
        raise InvalidInput("counted ballots missing from the ballot set", missing=missing[:20])
    return [
        CountedBallot(e.channel, e.weight, tuple(choices[e.tracking_code]))
        for e in manifest.entries
        if e.tracking_code in manifest.counted()
    ]


def tally(
    *,
    campaign: str,
    rules: CampaignRules,
    seal_digest: bytes,
    candidates: Sequence[str],
    ballots: Iterable[CountedBallot],
    expert_sheets: Sequence[ExpertSheet] = (),
    disqualified: frozenset[str] = frozenset(),
    tie: TieBreakInput | None = None,
) -> TallyResult:
    """Count, score, rank and pick the winners; deterministic in every input."""
    tie = tie or TieBreakInput()
    ballots = list(ballots)
    active = _active_candidates(candidates, disqualified)
    _check_ballots(ballots, set(candidates))
    sheets = _check_sheets(rules, expert_sheets, set(candidates))
    _check_tie_input(rules, tie, set(candidates))
    scores = _scores(rules, active, ballots, sheets)
    ordered, how = _rank(rules, scores, tie)
    n_winners = min(rules.winners, len(active))
    results = tuple(
        _result(c, scores[c], position=position, rank=rank, winner=position <= n_winners, how=how[c])
        for position, (c, rank) in enumerate(ordered, start=1)
    )
    return TallyResult(
        domain=TALLY_DOMAIN,
        campaign=campaign,
        rules=rules_hash(rules).hex(),
        seal=seal_digest.hex(),
        turnout=_turnout(ballots),
        candidates=results,
        disqualified=tuple(sorted(disqualified)),
        winners=tuple(r.candidate for r in results if r.winner),
        tie_seed=tie.seed if any(h == "seed" for h in how.values()) else None,
        tie_lots=tie.lots if any(h == "lots" for h in how.values()) else (),
    )


def encode_result(result: TallyResult) -> bytes:
    """RFC 8785 bytes of the result, as the ledger and the 公示 notice quote it."""
    return canonical_json(result)


def decode_result(data: bytes) -> TallyResult:
    return msgspec.json.decode(data, type=TallyResult)


def result_hash(result: TallyResult) -> bytes:
    return sha256(encode_result(result))


def format_score(value: Fraction) -> str:
    """Six decimal places, round half to even, computed exactly from the fraction."""
    scale = 10**SCORE_PLACES
    quotient, remainder = divmod(value.numerator * scale, value.denominator)
    twice = 2 * remainder
    if twice > value.denominator or (twice == value.denominator and quotient % 2):
        quotient += 1
    sign = "-" if quotient < 0 else ""
    whole, frac = divmod(abs(quotient), scale)
    return f"{sign}{whole}.{frac:0{SCORE_PLACES}d}"


def seed_order(seed: str, candidate: str) -> str:
    """A candidate's place in a seeded tie-break: hex SHA-256("yide/tiebreak/v1" 0x00 seed 0x00 id).

    Tied candidates are ordered by this value ascending; anyone with the seed can redo it.
    """
    return sha256(TIEBREAK_DOMAIN + seed.encode("utf-8") + b"\x00" + candidate.encode("utf-8")).hex()


def seed_commitment(seed: str) -> str:
    """What the rules publish before voting: hex SHA-256 of the UTF-8 seed."""
    return sha256(seed.encode("utf-8")).hex()


def _active_candidates(candidates: Sequence[str], disqualified: frozenset[str]) -> list[str]:
    if len(set(candidates)) != len(candidates) or not all(is_candidate_id(c) for c in candidates):
        raise InvalidInput("candidate ids must be distinct and well-formed")
    strangers = sorted(disqualified - set(candidates))
    if strangers:
        raise InvalidInput("disqualified candidates are not on the shortlist", candidates=strangers)
    return sorted(c for c in candidates if c not in disqualified)


def _check_tie_input(rules: CampaignRules, tie: TieBreakInput, candidates: set[str]) -> None:
    """A revealed seed must match the commitment; drawn lots must name distinct shortlisted candidates."""
    if tie.seed is not None and rules.tie_break.method is TieMethod.PUBLISHED_SEED:
        _revealed_seed(rules, tie)
    if len(set(tie.lots)) != len(tie.lots) or not set(tie.lots) <= candidates:
        raise InvalidInput("the drawing of lots must list distinct shortlisted candidates")


def _check_ballots(ballots: Sequence[CountedBallot], candidates: set[str]) -> None:
    for ballot in ballots:
        if ballot.weight < 1 or not set(ballot.choices) <= candidates:
            raise InvalidInput("a counted ballot has a bad weight or a choice off the shortlist")
        if len(set(ballot.choices)) != len(ballot.choices):
            raise InvalidInput("a counted ballot repeats a choice")


def _check_sheets(
    rules: CampaignRules, sheets: Sequence[ExpertSheet], candidates: set[str]
) -> dict[str, list[Fraction]]:
    """Validate the expert sheets and return each candidate's list of weighted expert totals."""
    keys = {c.key: c.weight for c in rules.experts.criteria}
    totals: dict[str, list[Fraction]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for sheet in sheets:
        if sheet.candidate not in candidates:
            raise InvalidInput("expert sheet for a candidate off the shortlist", candidate=sheet.candidate)
        if (sheet.expert, sheet.candidate) in seen:
            raise InvalidInput("two sheets by one expert for one candidate", expert=sheet.expert)
        seen.add((sheet.expert, sheet.candidate))
        if set(sheet.scores) != set(keys) or not all(0 <= s <= 100 for s in sheet.scores.values()):
            raise InvalidInput("expert sheet must score every criterion 0–100", expert=sheet.expert)
        totals[sheet.candidate].append(Fraction(sum(keys[k] * s for k, s in sheet.scores.items()), 100))
    return totals


def expert_score(totals: Sequence[Fraction], *, drop_high_low: bool, min_panel: int) -> Fraction:
    """Mean of the experts' totals, trimmed by one at each end for a large enough panel."""
    ordered = sorted(totals)
    if drop_high_low and len(ordered) >= min_panel:
        ordered = ordered[1:-1]
    return sum(ordered, Fraction(0)) / len(ordered)


def _scores(
    rules: CampaignRules,
    active: list[str],
    ballots: Sequence[CountedBallot],
    sheets: Mapping[str, list[Fraction]],
) -> dict[str, _Score]:
    live = set(active)
    votes = {ch: dict.fromkeys(active, 0) for ch in Channel}
    staff_ballots = dict.fromkeys(active, 0)
    for ballot in ballots:
        for choice in ballot.choices:
            if choice in live:
                votes[ballot.channel][choice] += ballot.weight
                if ballot.channel is Channel.STAFF:
                    staff_ballots[choice] += 1
    norm = {ch: _normalise(rules.scoring.normalisation, votes[ch]) for ch in Channel}
    weights = rules.channels.weights
    needs_experts = rules.scoring.mode is not ScoreMode.VOTES_ONLY
    missing = sorted(c for c in active if needs_experts and not sheets.get(c))
    if missing:
        raise InvalidInput("candidates without expert scores", candidates=missing)
    scores = {}
    for c in active:
        vote = (weights.staff * norm[Channel.STAFF][c] + weights.public * norm[Channel.PUBLIC][c]) / 100
        expert = (
            expert_score(
                sheets[c],
                drop_high_low=rules.experts.drop_high_low,
                min_panel=rules.experts.min_panel_for_drop,
            )
            if needs_experts
            else None
        )
        scores[c] = _Score(
            staff_ballots=staff_ballots[c],
            staff_votes=votes[Channel.STAFF][c],
            public_votes=votes[Channel.PUBLIC][c],
            staff_score=norm[Channel.STAFF][c],
            public_score=norm[Channel.PUBLIC][c],
            vote=vote,
            experts=len(sheets.get(c, ())),
            expert=expert,
            combined=_combined(rules, vote, expert),
        )
    return scores


def _normalise(method: VoteNormalisation, votes: Mapping[str, int]) -> dict[str, Fraction]:
    values = list(votes.values())
    denominator = max(values, default=0) if method is VoteNormalisation.SHARE_OF_MAX else sum(values)
    if denominator == 0:
        return dict.fromkeys(votes, Fraction(0))
    return {c: Fraction(100 * v, denominator) for c, v in votes.items()}


def _combined(rules: CampaignRules, vote: Fraction, expert: Fraction | None) -> Fraction:
    scoring = rules.scoring
    if scoring.mode is ScoreMode.VOTES_ONLY or expert is None:
        return vote
    if scoring.mode is ScoreMode.VOTES_AS_REFERENCE:
        return expert
    return (scoring.votes_percent * vote + scoring.experts_percent * expert) / 100


def _key(rules: CampaignRules, score: _Score) -> tuple[Fraction, ...]:
    extra = {
        TieKey.EXPERT_SCORE: score.expert if score.expert is not None else Fraction(0),
        TieKey.VOTE_SCORE: score.vote,
        TieKey.STAFF_VOTES: Fraction(score.staff_votes),
        TieKey.PUBLIC_VOTES: Fraction(score.public_votes),
    }
    return (score.combined, *(extra[k] for k in rules.tie_break.keys))


def _rank(
    rules: CampaignRules, scores: Mapping[str, _Score], tie: TieBreakInput
) -> tuple[list[tuple[str, int]], dict[str, str]]:
    """Order all candidates; returns (candidate, competition rank) by position and how ties broke."""
    groups: dict[tuple[Fraction, ...], list[str]] = defaultdict(list)
    for c in sorted(scores):
        groups[_key(rules, scores[c])].append(c)
    ordered: list[tuple[str, int]] = []
    how: dict[str, str] = {}
    n_winners = min(rules.winners, len(scores))
    for key in sorted(groups, reverse=True):
        members, start = groups[key], len(ordered) + 1
        end = start + len(members) - 1
        decides = start <= n_winners < end  # the group straddles the last winning position
        broken, method = _break_tie(rules, members, tie, decides=decides)
        ordered.extend((c, start) for c in broken)
        how.update(dict.fromkeys(members, method))
    return ordered, how


def _break_tie(
    rules: CampaignRules, members: list[str], tie: TieBreakInput, *, decides: bool
) -> tuple[list[str], str]:
    if len(members) == 1:
        return members, "none"
    if rules.tie_break.method is TieMethod.PUBLISHED_SEED:
        seed = _revealed_seed(rules, tie)
        return sorted(members, key=lambda c: (seed_order(seed, c), c)), "seed"
    drawn = {c: i for i, c in enumerate(tie.lots)}
    if all(c in drawn for c in members):
        return sorted(members, key=drawn.__getitem__), "lots"
    if decides:
        raise TieUnresolved(
            "a tie at the winner boundary needs a drawing of lots", candidates=sorted(members)
        )
    return sorted(members), "unbroken"


def _revealed_seed(rules: CampaignRules, tie: TieBreakInput) -> str:
    if tie.seed is None:
        raise TieUnresolved("a tie needs the published seed to be revealed")
    if seed_commitment(tie.seed) != rules.tie_break.seed_commitment:
        raise InvalidInput("the revealed seed does not match the rules' seed commitment")
    return tie.seed


def _turnout(ballots: Sequence[CountedBallot]) -> tuple[ChannelTurnout, ...]:
    rows = []
    for channel in Channel:
        mine = [b for b in ballots if b.channel is channel]
        rows.append(
            ChannelTurnout(
                channel=channel,
                ballots=len(mine),
                weight=sum(b.weight for b in mine),
                blank=sum(1 for b in mine if not b.choices),
            )
        )
    return tuple(rows)


def _result(
    candidate: str, score: _Score, *, position: int, rank: int, winner: bool, how: str
) -> CandidateResult:
    return CandidateResult(
        candidate=candidate,
        position=position,
        rank=rank,
        winner=winner,
        staff_ballots=score.staff_ballots,
        staff_votes=score.staff_votes,
        public_votes=score.public_votes,
        staff_score=format_score(score.staff_score),
        public_score=format_score(score.public_score),
        vote_score=format_score(score.vote),
        experts=score.experts,
        expert_score=None if score.expert is None else format_score(score.expert),
        combined=format_score(score.combined),
        tie_break=how,
    )


def live_turnout(rules: CampaignRules, ballots: Sequence[CountedBallot]) -> tuple[ChannelTurnout, ...] | None:
    """What may be shown while voting is open: turnout only if the rules allow, never counts."""
    if rules.live_results is LiveResults.TURNOUT_ONLY:
        return _turnout(ballots)
    return None
