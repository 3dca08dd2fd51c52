"""The run's keyword index answers exactly as searching each keyword in the lowercased data."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.detectors.base import FileView
from integrity.detectors.common import keyword_hit, keywords_in, lower_keywords, run_index
from integrity.detectors.keywords import KeywordIndex
from integrity.detectors.opaque import ENTROPY_THRESHOLD, _may_exceed, classify
from integrity.detectors.regex import shannon_entropy

WORDS = lower_keywords(["getenv", "popen", "rm -", "Passw", "ÉtÉ", "#define", "a\\x"])


def test_index_reports_present_keywords_case_insensitively() -> None:
    index = KeywordIndex(WORDS)
    view = FileView(path="a.c", language="c", after=b"x = GETENV(1); #DEFINE y; \xc3\x89t\xc3\x89")
    # "ÉtÉ" lowercases to "été", whose bytes the data does not hold (bytes.lower is ASCII-only)
    assert index.present(view) == {b"getenv", b"#define"}
    assert index.present(view) is index.present(view)  # once per view
    assert keywords_in(view, lower_keywords(["popen", "getenv"]), index)
    assert not keywords_in(view, lower_keywords(["popen"]), index)
    assert keywords_in(view, (), index)


def test_index_pickles_as_its_keywords() -> None:
    index = pickle.loads(pickle.dumps(KeywordIndex((*WORDS, b""))))
    view = FileView(path="a.sh", language="bash", after=b"popen(x)")
    assert index.present(view) == {b"popen", b""}


def test_an_index_missing_a_keyword_is_not_used() -> None:
    index = KeywordIndex(WORDS)
    assert run_index(index, lower_keywords(["getenv"])) is index
    assert run_index(index, lower_keywords(["getenv", "unknown"])) is None
    assert run_index(None, lower_keywords(["getenv"])) is None


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=200)
    | st.text(alphabet="aAbBpPeEnN -#\\xÉé", max_size=60).map(str.encode),
    words=st.lists(st.text(alphabet="abpenx -#\\É", max_size=4), max_size=6),
)
def test_index_equals_per_keyword_search(data: bytes, words: list[str]) -> None:
    lowered = lower_keywords(words)
    index = KeywordIndex(lowered)
    view = FileView(path="f", language=None, after=data)
    for word in lowered:
        assert keywords_in(view, (word,), index) == keyword_hit(data, (word,))
        assert keywords_in(FileView(path="f", language=None, after=data), (word,)) == keyword_hit(
            data, (word,)
        )


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=3000))
def test_entropy_bound_never_skips_a_high_entropy_sample(sample: bytes) -> None:
    if shannon_entropy(sample) > ENTROPY_THRESHOLD - 0.01:
        assert _may_exceed(sample)


def test_opaque_classification_of_text_binary_and_noise() -> None:
    text = ("int main(void) { return 0; }\n" * 4 + "/* José */\n").encode() * 50
    assert not _may_exceed(text)
    assert classify("src/a.c", text) is None
    noise = bytes(range(1, 256)) * 20
    assert (classify("blob.dat", noise) or "").startswith("high-entropy")
    assert classify("a.png", noise) is None
    assert classify("x.o", b"\x7fELF\x00rest") == "executable: ELF executable or object"


def test_case_folding_is_ascii_only_for_every_byte() -> None:
    data = [bytes([value]) for value in range(256)]
    for word in sorted({bytes([value]).lower() for value in range(256)}):
        index = KeywordIndex([word])  # one keyword each: hyperscan compiles these fast
        found = [item for item in data if index.present(FileView("f", None, item))]
        assert found == [item for item in data if word in item.lower()]
