"""Name matching: recall on a listed party's names and spellings, no hits on shared
generic words or places."""

from __future__ import annotations

import pytest

from governance.screening.matching import Candidate, Matcher, core, normalise, score

LISTED = [
    Candidate(1, "Beijing Zhipu Huazhang Technology Co., Ltd."),
    Candidate(1, "Zhipu AI"),
    Candidate(2, "Huawei Technologies Co., Ltd."),
    Candidate(3, "Example Blocked Trading LLC"),
    Candidate(4, "Beijing Xinhua Software Co."),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(LISTED)


def hits(matcher, name):
    return [(m.entry, m.score) for m in matcher.match([("name", name)])]


def test_names_are_normalised_without_legal_forms_accents_or_punctuation():
    assert normalise("OpenAI, L.L.C.") == "openai"
    assert normalise("Beijing Zhipu Huazhang Technology Co., Ltd.") == (
        "beijing zhipu huazhang technology"
    )
    assert normalise("Société Générale S.A.") == "societe generale"
    assert core(normalise("Mistral AI SAS")) == "mistral"
    # A name made only of generic words keeps them rather than vanishing.
    assert core(normalise("Artificial Intelligence Technology Co")) == (
        "artificial intelligence technology"
    )


@pytest.mark.parametrize(
    "name",
    [
        "Zhipu AI",  # an alias on the list
        "Beijing Zhipu Huazhang Technology Co., Ltd.",  # the listed name itself
        "BEIJING ZHIPU HUAZHANG TECHNOLOGY CO LTD",  # case and punctuation
        "Zhipu",  # the distinctive word alone
        "Beijing Zhipu Huazang Technology",  # a misspelling
    ],
)
def test_a_listed_party_is_found_by_its_names_and_spellings(matcher, name):
    assert [entry for entry, _ in hits(matcher, name)] == [1]


@pytest.mark.parametrize(
    "name",
    [
        "OpenAI, L.L.C.",
        "Anthropic, PBC",
        "Mistral AI SAS",
        "Beijing Moonshot Technology Co., Ltd.",  # shares only a city and generic words
        "Hangzhou DeepSeek Artificial Intelligence Basic Technology Research Co., Ltd.",
        "Technology Co., Ltd.",
        "AI",
        "",
    ],
)
def test_unrelated_names_are_not_hits(matcher, name):
    assert hits(matcher, name) == []


def test_a_listed_name_inside_a_longer_vendor_name_is_a_hit(matcher):
    # "Huawei Cloud" contains the listed party's only distinctive word.
    assert hits(matcher, "Huawei Cloud Computing Technologies") == [(2, 100)]


def test_scores_rank_exact_above_near_and_each_party_once(matcher):
    found = matcher.match([("name", "Zhipu AI"), ("legal name", "Beijing Xinhau Software")])
    assert [m.entry for m in found] == [1, 4]
    assert found[0].score == 100 and found[0].field == "name"
    assert 88 <= found[1].score < 100
    assert found[1].field == "legal name"


def test_the_score_is_symmetric_and_word_based():
    # A word with no close word on the other side sinks the name, whatever else it shares.
    assert score(("beijing", "y"), ("beijing", "x")) == 0
    assert score(("zhipu",), ("beijing", "zhipu", "huazhang")) == 100
    assert score(("zhipu",), ("beijing", "zhipu", "huazhang")) == score(
        ("beijing", "zhipu", "huazhang"), ("zhipu",)
    )
    # Weights: the rarer word counts for more in the mean.
    common, rare = ("beijing", "zhipu"), ("beijing", "zhippu")
    assert score(common, rare) == pytest.approx((100 + 90.909) / 2, abs=0.01)
    weighted = score(common, rare, lambda w: 1.0 if w == "beijing" else 9.0)
    assert weighted == pytest.approx((100 + 9 * 90.909) / 10, abs=0.01)


def test_the_threshold_is_the_caller_s(matcher):
    assert hits(matcher, "Zhippu") == [(1, 90)]
    assert matcher.match([("name", "Zhippu")], threshold=95) == []


def test_common_words_of_the_list_count_for_little():
    # In a list where "Dubai" and "aviation" are everywhere, sharing them is not a match;
    # the distinctive word decides.
    fillers = [Candidate(100 + n, f"Dubai Brand{n} Aviation") for n in range(50)]
    matcher = Matcher([Candidate(1, "Dubai Jumeka Aviation Limited"), *fillers])
    assert matcher.match([("name", "Dubai Jemoka Aviation")]) == []
    assert [m.entry for m in matcher.match([("name", "Dubai Jumeka Aviation")])] == [1]
    assert [m.entry for m in matcher.match([("name", "Jumeka")])] == [1]


def test_every_word_of_the_shorter_name_must_have_a_close_word():
    matcher = Matcher([Candidate(1, "Zhipu Huazhang Kexue")])
    # Two words exact and one unrelated: a different party, however the mean comes out.
    assert matcher.match([("name", "Zhipu Huazhang Qwerty")]) == []
    assert [m.entry for m in matcher.match([("name", "Zhipu Huazhang Kexeu")])] == [1]
