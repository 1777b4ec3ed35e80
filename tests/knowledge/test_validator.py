"""The validator reports each class of problem once, at the right file and line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.knowledge.loader import EntryMemo, KnowledgeError, _Loader, load_knowledge, load_or_raise
from bot.library import IndexCache, Library
from tests.knowledge.kbfactory import entry_yaml, make_kb, write_entry

TODAY = date(2026, 11, 26)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "knowledge")


def lines(root: Path) -> list[str]:
    return [str(p) for p in load_knowledge(root, today=TODAY).problems]


def test_valid_knowledge_has_no_problems(kb: Path) -> None:
    """The factory's knowledge is clean, so every other test's problem is the seeded one."""
    result = load_knowledge(kb, today=TODAY)
    assert result.problems == []
    assert result.knowledge is not None
    assert result.summary() == "2 entries, 2 milestones, 1 tracks: ok"


def test_equal_links_areas_and_dates_are_kept_once(kb: Path, tmp_path: Path) -> None:
    """Hundreds of entries cite the same pages and share areas and review dates: each value
    is one object, in the loaded knowledge and in the index cache's copy of it (pickle keeps
    shared objects shared). Copies cost about 10 MB at 10,000 entries."""
    write_entry(kb, "pmp-exam-day", "certifications")
    knowledge = load_or_raise(kb, today=TODAY)
    cache = IndexCache(tmp_path / "cache")
    cache.write(kb, Library.build(knowledge))
    cached = cache.read(kb)
    assert cached is not None
    for loaded in (knowledge, cached.knowledge):
        fees, exam = loaded.entries["pmp-fees"], loaded.entries["pmp-exam-day"]
        assert fees.links[0] is exam.links[0] is loaded.entries["role-overview"].links[0]
        assert fees.area is exam.area and fees.reviewed is exam.reviewed


def test_yaml_syntax_error_names_file_and_line(kb: Path) -> None:
    path = kb / "entries/role/role-overview.yaml"
    text = path.read_text().replace("area: role", "area: [role")
    path.write_text(text)
    problems = lines(kb)
    assert len(problems) == 1
    assert problems[0].startswith("entries/role/role-overview.yaml:")
    assert ": error: invalid YAML" in problems[0]


def test_missing_required_field(kb: Path) -> None:
    path = kb / "entries/role/role-overview.yaml"
    path.write_text(path.read_text().replace("title: Role Overview\n", ""))
    assert lines(kb) == [
        "entries/role/role-overview.yaml:1: error: the entry is missing required key 'title'"
    ]


def test_wrong_type(kb: Path) -> None:
    path = kb / "entries/role/role-overview.yaml"
    path.write_text(path.read_text().replace("title: Role Overview", "title: [a, b]"))
    assert lines(kb) == ["entries/role/role-overview.yaml:2: error: 'title' must be text, found a list"]


def test_unknown_key_suggests_near_miss(kb: Path) -> None:
    path = kb / "entries/role/role-overview.yaml"
    path.write_text(path.read_text().replace("questions:", "questoins:"))
    problems = lines(kb)
    assert (
        "entries/role/role-overview.yaml:4: error: unknown key 'questoins' in the entry "
        "(did you mean 'questions'?)"
    ) in problems


def test_duplicate_id_across_files(kb: Path) -> None:
    dup = kb / "entries/certifications/role-overview.yaml"
    dup.write_text(entry_yaml("role-overview", "certifications", questions=["a one", "b two", "c three"]))
    assert (
        "entries/role/role-overview.yaml:1: error: duplicate id 'role-overview' "
        "(also in entries/certifications/role-overview.yaml:1)"
    ) in lines(kb)


def test_id_must_match_file_stem(kb: Path) -> None:
    path = kb / "entries/role/role-overview.yaml"
    path.rename(kb / "entries/role/overview.yaml")
    assert lines(kb) == [
        "entries/role/overview.yaml:1: error: id 'role-overview' must equal the file "
        "name 'overview' (rename the file or change the id)"
    ]


def test_alias_colliding_with_another_entry(kb: Path) -> None:
    write_entry(kb, "pmp-exam", "certifications", extra="aliases: [pmp cost]")
    assert (
        "entries/certifications/pmp-fees.yaml:14: error: alias 'pmp cost' is already a name of "
        "entry 'pmp-exam' (entries/certifications/pmp-exam.yaml:14)"
    ) in lines(kb)


def test_alias_equal_to_another_id(kb: Path) -> None:
    write_entry(kb, "pmp-exam", "certifications", extra="aliases: [role-overview]")
    assert (
        "entries/certifications/pmp-exam.yaml:14: error: alias 'role-overview' is already a name of "
        "entry 'role-overview' (entries/role/role-overview.yaml:1)"
    ) in lines(kb)


def test_same_question_in_two_entries(kb: Path) -> None:
    write_entry(kb, "pmp-exam", "certifications", questions=["How much is the PMP?", "b two", "c three"])
    write_entry(kb, "pmp-price", "certifications", questions=["how much is the pmp", "d four", "e five"])
    assert (
        "entries/certifications/pmp-price.yaml:5: error: the same question is already asked at "
        "entries/certifications/pmp-exam.yaml:5"
    ) in lines(kb)


@pytest.mark.parametrize(("field", "line"), [("related", 14), ("milestone", 14)])
def test_dangling_reference(kb: Path, field: str, line: int) -> None:
    value = "[pmp-feez]" if field == "related" else "earn-pmpp"
    write_entry(kb, "pmp-exam", "certifications", extra=f"{field}: {value}")
    problems = lines(kb)
    assert len(problems) == 1
    assert problems[0].startswith(f"entries/certifications/pmp-exam.yaml:{line}: error: unknown ")
    assert "did you mean" in problems[0]


def test_dangling_learn_requires_and_track(kb: Path) -> None:
    path = kb / "milestones.yaml"
    text = path.read_text().replace("learn: [pmp-fees]", "learn: [pmp-feez]")
    text = text.replace("requires: [understand-the-role]", "requires: [understand-role]")
    text = text.replace("[understand-the-role, earn-pmp]", "[understand-the-role, earn-pm]")
    path.write_text(text)
    assert lines(kb) == [
        "milestones.yaml:8: warning: milestone 'earn-pmp' is in no track, so members cannot reach it",
        "milestones.yaml:13: error: unknown entry 'pmp-feez' (did you mean 'pmp-fees'?)",
        "milestones.yaml:14: error: unknown milestone 'understand-role' "
        "(did you mean 'understand-the-role'?)",
        "milestones.yaml:19: error: unknown milestone 'earn-pm' (did you mean 'earn-pmp'?)",
    ]


def test_requires_cycle(kb: Path) -> None:
    path = kb / "milestones.yaml"
    text = path.read_text().replace(
        "    learn: [role-overview]\n", "    learn: [role-overview]\n    requires: [earn-pmp]\n"
    )
    path.write_text(text)
    problems = lines(kb)
    assert len(problems) == 1
    assert problems[0].startswith("milestones.yaml:")
    assert "'requires' forms a cycle:" in problems[0]
    assert "understand-the-role" in problems[0] and "earn-pmp" in problems[0]


def test_discord_length_limits(kb: Path) -> None:
    write_entry(kb, "long-one", "role", title="T" * 257)
    path = kb / "entries/role/long-one.yaml"
    path.write_text(
        path.read_text()
        .replace("All about long-one.", "x" * 4001)
        .replace("title: PMI", "title: " + "L" * 101)
    )
    problems = lines(kb)
    assert "entries/role/long-one.yaml:2: error: 'title' is 257 characters; the limit is 256" in problems
    assert "entries/role/long-one.yaml:8: error: 'answer' is 4,001 characters; the limit is 4,000" in problems
    assert "entries/role/long-one.yaml:11: error: 'title' is 101 characters; the limit is 100" in problems


def test_more_than_25_entries_in_an_area_warns(kb: Path) -> None:
    for i in range(25):
        write_entry(kb, f"extra-{i}", "role")
    result = load_knowledge(kb, today=TODAY)
    assert result.ok
    assert [str(p) for p in result.problems] == [
        "areas.yaml:2: warning: area 'role' has 26 entries; a select menu holds 25, so /topics will page it"
    ]


def test_link_must_be_https(kb: Path) -> None:
    path = kb / "entries/role/role-overview.yaml"
    path.write_text(path.read_text().replace("https://www.pmi.org/", "http://www.pmi.org/"))
    assert lines(kb) == [
        "entries/role/role-overview.yaml:12: error: link url must be an https:// address, "
        "found 'http://www.pmi.org/'"
    ]


def test_fewer_than_three_questions(kb: Path) -> None:
    write_entry(kb, "short", "role", questions=["only one", "and two"])
    assert lines(kb) == ["entries/role/short.yaml:4: error: 'questions' needs at least 3 items, found 2"]


@pytest.mark.parametrize(
    ("reviewed", "message"),
    [
        (
            "2025-10-01",
            "facts last reviewed 2025-10-01, more than 12 months ago: re-check them and update 'reviewed'",
        ),
        ("2027-01-01", "'reviewed' date 2027-01-01 is in the future"),
    ],
)
def test_reviewed_date_warnings(kb: Path, reviewed: str, message: str) -> None:
    write_entry(kb, "dated", "role", reviewed=reviewed)
    result = load_knowledge(kb, today=TODAY)
    assert result.ok
    assert [str(p) for p in result.problems] == [f"entries/role/dated.yaml:13: warning: {message}"]


def test_all_problems_are_reported_not_just_the_first(kb: Path) -> None:
    write_entry(kb, "short", "role", questions=["only one", "and two"])
    (kb / "entries/role/empty.yaml").write_text("")
    result = load_knowledge(kb, today=TODAY)
    assert len(result.errors) == 2
    assert result.knowledge is None
    assert result.summary() == "3 entries, 2 milestones, 1 tracks: 2 errors, 0 warnings"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "entries/role/bad.yaml:1: error: file is empty"),
        (b"- a\n- b\n", "entries/role/bad.yaml:1: error: an entry file must be a mapping, found a list"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe",
            "entries/role/bad.yaml:1: error: not UTF-8 text (bad byte at offset 0); is this a binary file?",
        ),
        (
            b"id: x\xff\n",
            "entries/role/bad.yaml:1: error: not UTF-8 text (bad byte at offset 5); is this a binary file?",
        ),
        (b"id: a\x00b\n", "entries/role/bad.yaml:1: error: contains a NUL byte; is this a binary file?"),
        (
            b"a: &x [1, 2]\nb: *x\n",
            "entries/role/bad.yaml:1: error: YAML anchors and aliases (&name / *name) are not supported here",
        ),
        (b"id: a\nid: b\n", "entries/role/bad.yaml:2: error: duplicate key 'id' (first at line 1)"),
        (
            b"x: !!python/object:os.system {}\n",
            "entries/role/bad.yaml:1: error: unsupported YAML tag tag:yaml.org,2002:python/object:os.system",
        ),
    ],
)
def test_hostile_files_give_one_clear_error(kb: Path, content: bytes, message: str) -> None:
    (kb / "entries/role/bad.yaml").write_bytes(content)
    assert lines(kb) == [message]


def test_yaml_bomb_is_refused_quickly(kb: Path) -> None:
    bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        bomb.append(f"{cur}: &{cur} [{','.join([f'*{prev}'] * 9)}]")
    (kb / "entries/role/bomb.yaml").write_text("\n".join(bomb) + "\n")
    problems = lines(kb)
    assert len(problems) == 1
    assert "anchors and aliases" in problems[0]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000 + "\n",  # flow style
        "".join(" " * i + f"k{i}:\n" for i in range(1200)) + " " * 1200 + "v: 1\n",  # block style
    ],
)
def test_deep_nesting_is_refused(kb: Path, text: str) -> None:
    (kb / "entries/role/deep.yaml").write_text(text)
    problems = lines(kb)
    assert len(problems) == 1
    assert problems[0].startswith("entries/role/deep.yaml:")
    assert "nest" in problems[0]


def test_huge_file_is_refused(kb: Path) -> None:
    (kb / "entries/role/huge.yaml").write_bytes(b"# " + b"x" * 10_000_000 + b"\n")
    assert lines(kb) == [
        "entries/role/huge.yaml:1: error: file is too large (10,000,003 bytes; the limit is 1,000,000)"
    ]


def test_symlink_loop_is_an_error(kb: Path) -> None:
    os.symlink("loop.yaml", kb / "entries/role/loop.yaml")
    problems = lines(kb)
    assert len(problems) == 1
    assert problems[0].startswith("entries/role/loop.yaml:1: error: cannot read the file:")


def test_symlinked_folder_is_not_followed(kb: Path) -> None:
    os.symlink(kb / "entries", kb / "entries/role/again")
    assert lines(kb) == ["entries/role/again:0: warning: folder is a symbolic link and was not followed"]


def test_non_yaml_files_are_ignored_with_a_warning(kb: Path) -> None:
    (kb / "entries/role/notes.md").write_text("# draft")
    (kb / "entries/role/typo.yml").write_text("id: typo")
    assert lines(kb) == [
        "entries/role/notes.md:0: warning: not a .yaml file, ignored",
        "entries/role/typo.yml:0: warning: not a .yaml file, ignored (rename it to .yaml to load it)",
    ]


def test_unknown_area_lists_valid_ones(kb: Path) -> None:
    write_entry(kb, "misc", "role")
    path = kb / "entries/role/misc.yaml"
    path.write_text(path.read_text().replace("area: role", "area: roles"))
    assert lines(kb) == ["entries/role/misc.yaml:3: error: unknown area 'roles' (did you mean 'role'?)"]


def test_cli_exit_status_and_summary(kb: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", str(kb)], capture_output=True, text=True, cwd=REPO
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.strip().splitlines()[-1].startswith("2 entries, 2 milestones, 1 tracks: ")
    write_entry(kb, "short", "role", questions=["only one", "and two"])
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", str(kb)], capture_output=True, text=True, cwd=REPO
    )
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        "entries/role/short.yaml:4: error: 'questions' needs at least 3 items, found 2",
        "3 entries, 2 milestones, 1 tracks: 1 error, 0 warnings",
    ]


def test_error_for_a_broken_tree_lists_the_first_50(kb: Path) -> None:
    """Starting on a tree with thousands of errors raises one bounded message, not every line."""
    for i in range(60):
        (kb / f"entries/role/b{i:02}.yaml").write_text("id: [oops\n")
    with pytest.raises(KnowledgeError) as raised:
        load_or_raise(kb, today=TODAY)
    text = str(raised.value).splitlines()
    assert len(raised.value.result.errors) == 60
    assert text[0] == "knowledge has errors:"
    assert sum(line.startswith("entries/role/b") for line in text) == 50
    assert text[-1] == "… and 10 more problems"


def link_in_answer(kb: Path, text: str, target: str) -> None:
    path = kb / "entries/role/role-overview.yaml"
    path.write_text(path.read_text().replace("All about role-overview.", f"See [{text}]({target}) now."))


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("https://pmi.org", "https://evil.example"),
        ("pmi.org", "https://pmi.org.evil.example/"),
        ("www.pmi.org", "https://www.pmi.org@evil.example/"),
        ("**https://pmi.org/pmp**", "https://pmi.org/other"),
    ],
)
def test_link_text_showing_another_address_is_an_error(kb: Path, text: str, target: str) -> None:
    link_in_answer(kb, text, target)
    assert lines(kb) == [
        f"entries/role/role-overview.yaml:8: error: link text {text!r} shows a web address but the link "
        f"opens {target!r}; show the address it really opens, or use words"
    ]


def test_link_title_showing_another_address_is_an_error(kb: Path) -> None:
    path = kb / "entries/role/role-overview.yaml"
    text = path.read_text().replace("title: PMI", "title: https://pmi.org", 1)
    path.write_text(text.replace("url: https://www.pmi.org/", "url: https://evil.example/", 1))
    assert lines(kb) == [
        "entries/role/role-overview.yaml:11: error: link text 'https://pmi.org' shows a web address but "
        "the link opens 'https://evil.example/'; show the address it really opens, or use words"
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", str(kb)], capture_output=True, text=True, cwd=REPO
    )
    assert proc.returncode == 1


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("PMI's exam page", "https://www.pmi.org/certifications/project-management-pmp"),
        ("pmi.org", "https://www.pmi.org/"),
        ("PMI.org/certifications", "https://www.pmi.org/certifications/pmp"),
        ("the Scrum Guide", "https://scrumguides.org/"),
    ],
)
def test_honest_link_text_is_accepted(kb: Path, text: str, target: str) -> None:
    link_in_answer(kb, text, target)
    assert lines(kb) == []


def test_the_loader_lets_go_of_file_contents_once_done(kb: Path) -> None:
    """Freed all at once at the end, 10,000 files' contents hold the GIL for some 50 ms, which
    stalls the event loop during a reload (benchmarks/reload_stall.py); the loader frees them
    one by one as soon as the version is computed."""
    loader = _Loader(kb, TODAY, overlay={})
    result = loader.run()
    assert result.knowledge is not None and result.knowledge.version == load_or_raise(kb).version
    assert loader.raw == {}


def test_a_reload_keeps_the_entries_of_unchanged_files(kb: Path) -> None:
    """Parsing thousands of unchanged files again is most of a reload's time and fragments the
    heap; with the memo only the edited file is read again, and the result is the same."""
    memo = EntryMemo()
    first = load_knowledge(kb, today=TODAY, memo=memo).knowledge
    write_entry(kb, "pmp-fees", "certifications", title="PMP fees, updated", extra="milestone: earn-pmp")
    second = load_knowledge(kb, today=TODAY, memo=memo).knowledge
    fresh = load_or_raise(kb, today=TODAY)
    assert first is not None and second is not None
    assert second.entries["role-overview"] is first.entries["role-overview"]
    assert second.entries["pmp-fees"].title == "PMP fees, updated"
    assert second.entries == fresh.entries and second.version == fresh.version != first.version


def test_a_remembered_file_still_reports_its_problems(kb: Path) -> None:
    """Warnings belong to the file, so they come back while it is unchanged; and the day is part of
    what is remembered, because it decides whether a review is due."""
    write_entry(kb, "dated", "role", reviewed="2025-11-28")
    memo = EntryMemo()
    assert load_knowledge(kb, today=TODAY, memo=memo).problems == []
    later = date(2026, 11, 30)
    again = [str(p) for p in load_knowledge(kb, today=later, memo=memo).problems]
    assert again == [
        "entries/role/dated.yaml:13: warning: facts last reviewed 2025-11-28, more than 12 months ago: "
        "re-check them and update 'reviewed'"
    ]
    assert [str(p) for p in load_knowledge(kb, today=later, memo=memo).problems] == again


def test_the_memo_forgets_deleted_files_and_rereads_broken_ones(kb: Path) -> None:
    memo = EntryMemo()
    assert load_knowledge(kb, today=TODAY, memo=memo).ok and len(memo) == 2
    (kb / "entries" / "role" / "role-overview.yaml").unlink()
    (kb / "entries" / "certifications" / "pmp-fees.yaml").write_text("id: [unclosed\n")
    result = load_knowledge(kb, today=TODAY, memo=memo)
    assert not result.ok
    assert str(result.errors[0]).startswith("entries/certifications/pmp-fees.yaml:2: error: invalid YAML")
    assert len(memo) == 1  # the broken file, remembered with its error; the deleted one is gone
