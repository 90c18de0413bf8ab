"""The verification harness fails, clearly, on every kind of broken page.

Each test builds a small project (mkdocs.yml, a page, a snippet module) and runs pytest on it with the
harness plugin, exactly as the real suite does.
"""

from __future__ import annotations

import textwrap

import pytest

from primer import lock
from tests.small_project import FENCE, block, run, write_page


def test_a_correct_page_passes_with_blocks_run_in_order_in_one_namespace(project):
    write_page(project, block("setup"), block("total", "6\n"))
    result, _ = run(project)
    result.assert_outcomes(passed=2)


def test_a_wrong_output_fails_naming_page_line_and_snippet_lines(project):
    write_page(project, block("setup"), block("total", "7\n"))
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "docs/page.md:7 (code: code/example.py:6-7): the Output block differs" in out
    assert "-7\n+6" in out.replace("\r", "")
    assert "--update-outputs" in out


def test_printing_without_an_output_block_fails(project):
    write_page(project, block("setup"), block("total"))
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "+6" in out


def test_a_snippet_that_raises_fails_with_a_traceback_into_the_snippet_file(project):
    write_page(project, block("boom"))
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "docs/page.md:3 (code: code/example.py:11-12) raised an error the page does not show" in out
    assert 'example.py", line 12' in out
    assert 'raise KeyError("boom")' in out


def test_a_shown_error_passes_but_only_with_the_exact_message(project):
    write_page(project, block("boom", "KeyError: 'boom'\n"))
    run(project)[0].assert_outcomes(passed=1)
    write_page(project, block("boom", "KeyError: 'bang'\n"))
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "+KeyError: 'boom'" in out


def test_a_page_that_shows_an_error_the_code_does_not_raise_fails(project):
    write_page(project, block("setup", "NameError: name 'numbers' is not defined\n"))
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "-NameError" in out


@pytest.mark.parametrize("target", ["code/example.py:missing", "code/absent.py:total"])
def test_a_missing_include_fails(project, target):
    page = write_page(project, block("total", "6\n"))
    page.write_text(page.read_text().replace("code/example.py:total", target))
    result, out = run(project)
    result.assert_outcomes(failed=1)
    missing = "section 'missing'" if target.endswith("missing") else "at path 'code/absent.py'"
    assert f"docs/page.md:4: Snippet {missing} could not be" in out


@pytest.mark.parametrize("info", ["py", 'python title="Example"', "{ .python .annotate }", "python3"])
def test_python_blocks_with_other_spellings_are_run_too(project, info):
    write_page(project, block("setup", info=info), block("total", "7\n", info=info))
    run(project)[0].assert_outcomes(passed=1, failed=1)


@pytest.mark.parametrize(
    ("fence", "why"),
    [
        (f"{FENCE}pycon\n>>> 1 + 1\n2\n{FENCE}\n", "a Python console session (>>>)"),
        (f"{FENCE}ipython\nprint(1)\n{FENCE}\n", "Python the checks do not run: write the fence as python"),
        (f"{FENCE}ps1con\nPS> dir\n{FENCE}\n", "a ps1con session, which the checks do not run"),
    ],
)
def test_a_block_a_reader_takes_for_code_the_checks_cannot_run_fails(project, fence, why):
    write_page(project, block("setup"), fence)
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=1)
    assert f"docs/page.md:7: {why}" in out


HIDDEN = f"<!--\n{FENCE}python\nimport torch\ntorch.set_printoptions(precision=1)\n{FENCE}\n-->\n"


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        (HIDDEN, "docs/page.md:4", "the site does not show this block as the checks read it; it shows nothing"),
        (  # an option superfences cannot read: the site shows no code block at all, only text
            f'{FENCE}python data-needs="cuda"\nprint(1)\n{FENCE}\n',
            "docs/page.md:3",
            "the site does not show this block as the checks read it",
        ),
        (  # indented code: the site shows a code block no check reads
            "Text.\n\n    print(1)\n",
            "docs/page.md:1",
            "after this line the site shows a text block ('print(1)'), which no check reads",
        ),
    ],
    ids=["html-comment", "unreadable-option", "indented-code"],
)
def test_what_the_site_shows_and_what_the_checks_read_are_one_reading(project, text, where, says):
    write_page(project, text, block("total", "7\n"))
    result, out = run(project)
    assert result.ret == 1
    assert f"{where}: {says}" in out, out


@pytest.mark.parametrize(("title", "failed"), [("title='Output'", 1), ("title=Output", 2)])
def test_an_output_title_in_any_quoting_the_site_reads_is_compared(project, title, failed):
    """Single quotes are read as the site reads them; an unquoted option is no fence to the site, and refused."""
    write_page(project, block("setup"), block("total", "7\n", output_info=f"text {title}"))
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=failed)
    assert "docs/page.md:7" in out
    assert failed == 1 or "docs/page.md:11: the site does not show this block" in out


@pytest.mark.parametrize(
    ("lines", "stray"),
    [("(.venv) $ echo hi\n", "(.venv) $ echo hi"), ("$ echo hi\nhi\n", "hi"), ("# echo hi\n", "# echo hi")],
)
def test_a_console_block_holds_only_commands_the_checks_run(project, lines, stray):
    write_page(project, f"{FENCE}console\n{lines}{FENCE}\n")
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert f"docs/page.md:3: a console block holds only `$ ` commands (and their `\\` continuations); {stray!r}" in out


def test_a_shell_session_block_is_run_as_a_console_block(project):
    write_page(project, f"{FENCE}shell-session\n$ echo hi\n{FENCE}\n", f'\n{FENCE}text title="Output"\nho\n{FENCE}\n')
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "docs/page.md:3: the Output block differs" in out


def test_an_output_block_under_no_python_block_fails(project):
    write_page(project, "Some text.\n", f'{FENCE}text title="Output"\n6\n{FENCE}\n')
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "docs/page.md:5: an Output block must sit directly under the block that prints it" in out


def test_a_varies_rule_tolerates_only_the_values_it_names(project):
    """The book's block shows the torch its lock pins; run by another torch (this one), only that version may
    differ. Nothing is read from the matrix's records: a stale record changes no check."""
    book = lock.versions("book")["torch"]
    varying = '{ .text title="Output" data-environment="book" data-varies="torch-version" }'
    plain = 'text title="Output"'
    shown = f"\n{FENCE}{varying}\ntorch {book} on this machine\n{FENCE}\n"
    write_page(project, block("version", "torch 2.13.0+cpu on this machine\n", output_info=plain) + shown)
    run(project)[0].assert_outcomes(passed=1)
    run(project, "--environment=book")[0].assert_outcomes(passed=1)
    write_page(
        project,
        block("version", "torch 2.13.0+cpu on this machine\n", output_info=plain) + shown.replace("this", "that"),
    )
    run(project, "--environment=book")[0].assert_outcomes(failed=1)
    unruled = shown.replace(' data-varies="torch-version"', "")
    write_page(project, block("version", "torch 2.13.0+cpu on this machine\n", output_info=plain) + unruled)
    run(project, "--environment=book")[0].assert_outcomes(failed=1)


def test_an_unknown_or_useless_varies_rule_fails(project):
    unknown = '{ .text title="Output" data-varies="anything" }'
    write_page(project, block("setup"), block("total", "6\n", output_info=unknown))
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "unknown varies rule 'anything'" in out
    useless = '{ .text title="Output" data-varies="duration" }'
    write_page(project, block("setup"), block("total", "6\n", output_info=useless))
    result, out = run(project)
    assert "matches nothing in the shown output" in out


def test_update_outputs_rewrites_inserts_and_removes_output_blocks(project):
    page = write_page(project, block("setup", "stale\n"), block("total", "7\n"), block("version"))
    result, out = run(project, "--update-outputs")
    result.assert_outcomes(passed=3)
    assert "rewrote 3 Output block(s) in docs/page.md" in out
    assert page.read_text() == "# A page\n\n" + "\n".join(
        [block("setup"), block("total", "6\n"), block("version", "torch 2.13.0+cpu on this machine\n")]
    )
    run(project)[0].assert_outcomes(passed=3)


def test_update_outputs_never_accepts_an_error_the_page_does_not_show(project):
    page = write_page(project, block("boom", "ok\n"))
    before = page.read_text()
    result, _out = run(project, "--update-outputs")
    result.assert_outcomes(failed=1)
    assert page.read_text() == before


def test_update_outputs_fills_in_a_declared_error(project):
    page = write_page(project, block("boom", "KeyError:\n"))
    run(project, "--update-outputs")[0].assert_outcomes(passed=1)
    assert "KeyError: 'boom'\n" in page.read_text()


def test_a_block_inside_a_content_tab_is_run_and_rewritten_in_place(project):
    tab = textwrap.indent(block("setup") + "\n" + block("total", "0\n"), "    ")
    page = write_page(project, '=== "CPU"\n\n' + tab)
    run(project, "--update-outputs")[0].assert_outcomes(passed=2)
    assert '    ```text title="Output"\n    6\n    ```' in page.read_text()
    run(project)[0].assert_outcomes(passed=2)


def test_each_page_starts_from_a_fresh_interpreter_state(project):
    # Each page runs in a process of its own, in a scratch folder of its own: a setting one page changes, and a
    # file it writes, are not there for the next page, and nothing lands in the project.
    (project.path / "docs" / "a.md").write_text(
        f"{FENCE}python\nimport torch\ntorch.set_printoptions(precision=1)\n"
        f'with open("scratch.txt", "w") as file:\n    file.write("x")\n{FENCE}\n'
    )
    (project.path / "docs" / "b.md").write_text(
        f"{FENCE}python\nimport os, torch\nprint(torch.tensor([0.12345]), os.listdir())\n{FENCE}\n\n"
        f'{FENCE}text title="Output"\ntensor([0.1235]) []\n{FENCE}\n'
    )
    run(project)[0].assert_outcomes(passed=2)
    assert not (project.path / "scratch.txt").exists()


def script_and_command(output: str, *, command: str = "python hello.py world") -> str:
    script = f'{FENCE}python title="hello.py"\nimport sys\n\nprint("hello", sys.argv[1])\n{FENCE}\n'
    console = f'{FENCE}console\n$ {command}\n{FENCE}\n\n{FENCE}text title="Output"\n{output}{FENCE}\n'
    return script + "\n" + console


def test_a_file_block_is_saved_and_a_console_block_runs_it(project):
    write_page(project, script_and_command("hello world\n"))
    run(project)[0].assert_outcomes(passed=2)


def test_a_console_block_with_a_wrong_output_fails(project):
    write_page(project, script_and_command("hello there\n"))
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "-hello there\n+hello world" in out


def test_a_failing_command_fails_with_its_error(project):
    write_page(project, script_and_command("hello world\n", command="python hello.py"))
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "`python hello.py` exited with 1" in out and "IndexError" in out


def test_a_file_block_cannot_have_an_output_block(project):
    write_page(project, f'{FENCE}python title="x.py"\nprint(1)\n{FENCE}\n\n{FENCE}text title="Output"\n1\n{FENCE}\n')
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "runs in a console block, so it has no Output block" in out


def test_a_block_may_join_several_includes_and_each_keeps_its_origin(project):
    joined = f'{FENCE}python\n--8<-- "code/example.py:setup"\n--8<-- "code/example.py:boom"\n{FENCE}\n'
    write_page(project, joined)
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "(code: code/example.py:2-2, code/example.py:11-12)" in out
    assert 'example.py", line 12' in out


def test_each_environment_is_compared_with_its_own_output_block(project):
    book = '{ .text title="Output with torch 2.0.1" data-environment="book" }'
    write_page(project, block("setup"), block("total", "6\n") + f"\n{FENCE}{book}\n7\n{FENCE}\n")
    run(project)[0].assert_outcomes(passed=2)  # the reference environment compares the plain block
    result, out = run(project, "--environment=book")
    result.assert_outcomes(passed=1, failed=1)
    assert "-7\n+6" in out
    run(project, "--environment=latest")[0].assert_outcomes(passed=2)  # no block of its own: the plain one


def test_output_blocks_that_leave_an_environment_ambiguous_fail(project):
    for second, why in [
        ('{ .text title="Output" }', "more than one Output block without data-environment under one block"),
        ('{ .text title="Output" data-environment="nowhere" }', "unknown environment(s) nowhere in data-environment"),
    ]:
        write_page(project, block("setup"), block("total", "6\n") + f"\n{FENCE}{second}\n6\n{FENCE}\n")
        result, out = run(project)
        result.assert_outcomes(passed=1, failed=1)
        assert f"docs/page.md:7 (code: code/example.py:6-7): {why}" in out


def test_update_outputs_outside_the_reference_rewrites_only_that_environments_block(project):
    book = '{ .text title="Output with torch 2.0.1" data-environment="book" }'
    page = write_page(project, block("setup"), block("total", "5\n"))
    result, out = run(project, "--update-outputs", "--environment=book")
    result.assert_outcomes(passed=1, failed=1)
    assert 'add an empty Output block with data-environment="book"' in out
    page = write_page(project, block("setup"), block("total", "5\n") + f"\n{FENCE}{book}\n{FENCE}\n")
    run(project, "--update-outputs", "--environment=book")[0].assert_outcomes(passed=2)
    assert page.read_text().endswith(f'"Output"\n5\n{FENCE}\n\n{FENCE}{book}\n6\n{FENCE}\n')


def test_a_file_block_that_no_console_block_runs_fails(project):
    script = f'{FENCE}python title="helper.py"\nassert False\n{FENCE}\n'
    other = f"{FENCE}console\n$ python other.py\n{FENCE}\n"
    write_page(project, script, other)
    result, out = run(project)
    result.assert_outcomes(failed=2)
    assert "docs/page.md:3 (code: docs/page.md:4-4): the file block helper.py is saved but no console block" in out


def test_a_console_block_above_the_file_block_does_not_run_it(project):
    write_page(project, f"{FENCE}console\n$ python hello.py\n{FENCE}\n", script_and_command("hello world\n"))
    run(project)[0].assert_outcomes(passed=2, failed=1)  # the first command finds no file yet


@pytest.mark.parametrize("include", ["warn", "stderr"])
def test_a_warning_or_stderr_the_page_does_not_show_fails(project, include):
    write_page(project, block(include, "done\n" if include == "warn" else None))
    result, out = run(project)
    result.assert_outcomes(failed=1)
    lines = "20-23" if include == "warn" else "27-29"
    assert f"docs/page.md:3 (code: code/example.py:{lines}) wrote to stderr (or warned)" in out
    assert ("DeprecationWarning: old API" if include == "warn" else "careful") in out


def test_stderr_shown_in_an_output_stderr_block_passes_and_is_compared(project):
    write_page(project, block("warn", "done\n", stderr="DeprecationWarning: old API\n"))
    run(project)[0].assert_outcomes(passed=1)
    write_page(project, block("warn", "done\n", stderr="DeprecationWarning: new API\n"))
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "the Output (stderr) block differs" in out and "+DeprecationWarning: old API" in out
    write_page(project, block("setup", stderr="DeprecationWarning: old API\n"))
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "-DeprecationWarning: old API" in out


def test_update_outputs_fills_in_a_declared_stderr_block_but_never_adds_one(project):
    page = write_page(project, block("warn", stderr=""), block("stderr"))
    run(project, "--update-outputs")[0].assert_outcomes(passed=1, failed=1)
    assert page.read_text() == "# A page\n\n" + "\n".join(
        [block("warn", "done\n", stderr="DeprecationWarning: old API\n"), block("stderr")]
    )


def test_a_console_command_writing_to_stderr_must_show_it(project):
    script = f'{FENCE}python title="hello.py"\nimport sys\n\nprint("oops", file=sys.stderr)\n{FENCE}\n'
    write_page(project, script, f"{FENCE}console\n$ python hello.py\n{FENCE}\n")
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "docs/page.md:9 wrote to stderr (or warned), which the page does not show:\noops" in out
    write_page(
        project,
        script,
        f"{FENCE}console\n$ python hello.py\n{FENCE}\n",
        f'{FENCE}text title="Output (stderr)"\noops\n{FENCE}\n',
    )
    run(project)[0].assert_outcomes(passed=2)


def test_a_block_ending_with_a_bare_expression_whose_value_a_notebook_displays_fails(project):
    write_page(project, block("setup"), block("display"))
    result, out = run(project)
    result.assert_outcomes(passed=1, failed=1)
    assert "docs/page.md:7 (code: code/example.py:33-33): the block ends with a bare expression whose value" in out
    assert "code/example.py:33: 3" in out


def test_an_output_stderr_block_under_no_python_block_fails(project):
    write_page(project, "Some text.\n", f'{FENCE}text title="Output (stderr)"\noops\n{FENCE}\n')
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "docs/page.md:5: an Output block must sit directly under the block that prints it" in out


def test_a_warning_from_garbage_is_reported_by_the_block_that_made_it(project):
    # An unclosed file in a reference cycle warns only when the collector runs; that must be in this block.
    cycle = (
        "class Holder:\n    pass\n\n"
        "holder = Holder()\nholder.me = holder\nholder.file = open('x.txt', 'w')\ndel holder\n"
    )
    write_page(project, f"{FENCE}python\n{cycle}{FENCE}\n", block("setup"), block("total", "6\n"))
    result, out = run(project)
    result.assert_outcomes(passed=2, failed=1)
    assert "docs/page.md:3 (code: docs/page.md:4-10) wrote to stderr (or warned)" in out
    assert "ResourceWarning: unclosed file" in out


def test_a_block_that_needs_an_nvidia_gpu_runs_only_where_there_is_one(project):
    import torch

    gpu = f'{FENCE}{{ .console data-needs="cuda" }}\n$ echo gpu\n{FENCE}\n\n{FENCE}text title="Output"\ngpu\n{FENCE}\n'
    cpu = (
        f'{FENCE}{{ .console data-needs="no-cuda" }}\n$ echo cpu\n{FENCE}\n\n{FENCE}text title="Output"\ncpu\n{FENCE}\n'
    )
    write_page(project, gpu, cpu)
    result, out = run(project, "-rs")
    elsewhere = "no-cuda" if torch.cuda.is_available() else "cuda"
    result.assert_outcomes(passed=1, skipped=1)
    assert f"needs {elsewhere}: it runs on a machine with" in out
    write_page(project, gpu.replace('"cuda"', '"tpu"'))
    result, out = run(project)
    result.assert_outcomes(failed=1)
    assert "docs/page.md:3: data-needs must be cuda or no-cuda" in out
