"""merge-base and since..until walks in pure python agree with git."""

from __future__ import annotations

from integrity.gitflow.commits import commit_range, merge_base
from integrity.sources.git import open_repo, resolve_commit


def test_merge_base_and_range_match_git(git_repo) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit({"a": "1\n"}, "root")
    fork = git_repo.commit({"a": "2\n"}, "fork point")
    git_repo.git("checkout", "-q", "-b", "topic")
    git_repo.commit({"b": "1\n"}, "topic 1")
    git_repo.git("checkout", "-q", "main")
    git_repo.commit({"c": "1\n"}, "main 1")
    git_repo.git("merge", "-q", "--no-edit", "topic")
    git_repo.git("checkout", "-q", "topic")
    git_repo.commit({"d": "1\n"}, "topic 2")
    repo = open_repo(git_repo.path)
    main, topic = resolve_commit(repo, "main"), resolve_commit(repo, "topic")
    found = merge_base(main, topic)
    assert found is not None
    assert found.hexsha == git_repo.git("merge-base", "main", "topic")
    assert found.hexsha != fork
    ours = [c.hexsha for c in commit_range(main, resolve_commit(repo, fork))]
    theirs = git_repo.git("rev-list", f"{fork}..main").split()
    assert sorted(ours) == sorted(theirs)
    assert len(list(commit_range(main, None))) == len(git_repo.git("rev-list", "main").split())
