"""Outputs only a GPU run checks are pinned to the run that checked them (primer/pinned.py)."""

from primer import environments, pinned, records


def test_every_block_a_gpu_run_checked_shows_what_that_run_printed() -> None:
    record = records.load().get(environments.GPU)
    differing = pinned.differing(pinned.everywhere(), record) if record else []
    assert not differing, "\n".join(differing) + "\nA GPU output is shown as a GPU run printed it: run the GPU routine"


def test_a_gpu_output_edited_by_hand_fails_against_its_record() -> None:
    found = pinned.everywhere()
    assert found, "the pages show GPU outputs; this test needs one"
    results = {block.page: {"passed": 1, "failed": 0} for block in found}
    record = {"date": "2026-11-29", "machine": {"gpu": "NVIDIA H200"}, "pinned": pinned.entries(results)}
    assert pinned.differing(found, record) == []
    assert pinned.checked_by(found[0], record) == "NVIDIA H200, 2026-11-29"
    edited = [found[0].__class__(**{**vars(found[0]), "text": found[0].text + "edited\n"}), *found[1:]]
    assert pinned.differing(edited, record) == [
        f"{found[0].page}:{found[0].line} ({found[0].title!r}) shows other text than the GPU run of 2026-11-29 "
        f"printed:\n{found[0].text}"
    ]


def test_a_run_pins_only_the_pages_that_passed_there() -> None:
    found = pinned.everywhere()
    failed = {block.page: {"passed": 3, "failed": 1} for block in found}
    assert pinned.entries(failed) == {}
    assert pinned.checked_by(found[0], {"pinned": {}}) == "not run yet"
