"""Writing files so that no reader ever sees half of them: one file, or the outputs of one run together."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from leadkit.errors import LeadkitError
from leadkit.io.commit import OutputSet, atomic_file, journal_path, recover, write_file

TARGETS = ("active.csv", "store.csv", "journal.csv")


def contents(folder: Path) -> dict[str, str]:
    return {name: (folder / name).read_text(encoding="utf-8") for name in TARGETS}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_outputs_are_replaced_together(tmp_path: Path) -> None:
    for name in TARGETS:
        (tmp_path / name).write_text("old", encoding="utf-8")
    with OutputSet(anchor=tmp_path / "store.csv") as outputs:
        for name in TARGETS:
            outputs.add(tmp_path / name, lambda h, n=name: h.write(f"new {n}".encode()))
        assert contents(tmp_path) == dict.fromkeys(TARGETS, "old")  # nothing before the commit
    assert contents(tmp_path) == {n: f"new {n}" for n in TARGETS}
    assert leftovers(tmp_path) == []


def test_a_failure_before_the_commit_leaves_every_file_as_it_was(tmp_path: Path) -> None:
    for name in TARGETS:
        (tmp_path / name).write_text("old", encoding="utf-8")
    with (
        pytest.raises(RuntimeError, match="classify failed"),
        OutputSet(tmp_path / "store.csv") as outputs,
    ):
        outputs.add(tmp_path / "active.csv", lambda h: h.write(b"new"))
        raise RuntimeError("classify failed")
    assert contents(tmp_path) == dict.fromkeys(TARGETS, "old")
    assert leftovers(tmp_path) == []


def test_the_same_file_twice_in_one_run_is_refused(tmp_path: Path) -> None:
    with (
        pytest.raises(LeadkitError, match="same file twice"),
        OutputSet(tmp_path / "a.csv") as outputs,
    ):
        outputs.add(tmp_path / "a.csv", lambda h: h.write(b"1"))
        outputs.add(tmp_path / "a.csv", lambda h: h.write(b"2"))
    assert leftovers(tmp_path) == []


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from leadkit.io.commit import OutputSet

    folder = Path(sys.argv[1])
    with OutputSet(anchor=folder / "store.csv") as outputs:
        for name in ("active.csv", "store.csv", "journal.csv"):
            outputs.add(folder / name, lambda h, n=name: h.write(f"new {n}".encode()))
    """
)


@pytest.mark.parametrize(
    "point",
    ["before-journal", "after-journal", "after-rename-1", "after-rename-2", "after-rename-3"],
)
def test_a_run_killed_at_any_point_leaves_all_old_or_all_new(tmp_path: Path, point: str) -> None:
    for name in TARGETS:
        (tmp_path / name).write_text("old", encoding="utf-8")
    env = {**os.environ, "LEADKIT_CRASH_AT": point}
    killed = subprocess.run([sys.executable, "-c", _WRITER, str(tmp_path)], env=env, check=False)
    assert killed.returncode == -9  # SIGKILL: no cleanup code ran
    # The next run with the same anchor completes (journal written) or rolls back (not written).
    recover(tmp_path / "store.csv")
    after = contents(tmp_path)
    if point == "before-journal":
        assert after == dict.fromkeys(TARGETS, "old")
    else:
        assert after == {n: f"new {n}" for n in TARGETS}
    assert leftovers(tmp_path) == []
    assert not journal_path(tmp_path / "store.csv").exists()


def test_a_new_file_honours_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_file(tmp_path / "new.csv", lambda h: h.write(b"x"))
        assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
        existing = tmp_path / "shared.csv"
        existing.write_text("old", encoding="utf-8")
        existing.chmod(0o664)
        write_file(existing, lambda h: h.write(b"new"))
        assert stat.S_IMODE(existing.stat().st_mode) == 0o664
    finally:
        os.umask(old)


def test_a_symlinked_output_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "companies.csv"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    write_file(link, lambda h: h.write(b"new"))
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new"


def test_a_folder_without_write_permission_is_one_line_naming_the_users_path(
    tmp_path: Path,
) -> None:
    if os.geteuid() == 0:  # root writes anywhere in /tmp, but not into sysfs
        folder = Path("/sys")
    else:
        folder = tmp_path / "out"
        folder.mkdir()
        folder.chmod(0o555)
    try:
        with pytest.raises(LeadkitError, match=r"/leadkit-a\.csv: cannot write: permission denied"):
            write_file(folder / "leadkit-a.csv", lambda h: h.write(b"x"))
    finally:
        if folder != Path("/sys"):
            folder.chmod(0o755)


def test_a_failing_writer_leaves_no_temporary_file(tmp_path: Path) -> None:
    def broken(handle: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(LeadkitError, match=r"a\.csv: cannot write: no space left on the disk"):
        write_file(tmp_path / "a.csv", broken)
    assert list(tmp_path.iterdir()) == []


def test_atomic_file_keeps_the_old_file_on_error(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_file(path) as handle:
        handle.write(b"half")
        raise RuntimeError("boom")
    assert path.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []
