"""The MkDocs hooks: which page offers which notebook and where Colab opens it, the home page's list of pages, the
Output blocks and figures they mark, the line under each page."""

import copy
import re

import pytest

from primer import paths, records, site_hooks
from primer.environments import REFERENCE
from primer.pages import blocks

NOTEBOOKS = {"notebooks/tensors.ipynb", "notebooks/autograd.ipynb"}


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("tensors.md", "notebooks/tensors.ipynb"),  # a chapter
        ("glossary.md", None),  # a page without a notebook
        ("index.md", None),
    ],
)
def test_a_page_offers_its_own_notebook_only(page, expected):
    assert site_hooks.notebook(page, NOTEBOOKS) == expected


@pytest.mark.parametrize(
    ("edit_uri", "expected"),
    [
        (
            "https://github.com/example/primer/edit/main/docs/",
            "https://colab.research.google.com/github/example/primer/blob/main/docs/notebooks/tensors.ipynb",
        ),
        ("", None),  # no repository configured
        ("https://gitlab.com/example/primer/-/edit/main/docs/", None),  # Colab opens notebooks from GitHub only
    ],
)
def test_colab_opens_the_notebook_from_the_configured_github_repository(edit_uri, expected):
    assert site_hooks.colab_url(edit_uri, "notebooks/tensors.ipynb") == expected


def test_a_chapters_buttons_and_its_sentence_go_under_its_title():
    page = "# A.2 Tensors\n\nA tensor is...\n"
    started = site_hooks.chapter_start(page, "notebooks/tensors.ipynb", "https://colab.example/t")
    title, start, rest = started.split("\n\n", 1)[0], started.split("</div>")[0], started.split("</div>")[1]
    assert title == "# A.2 Tensors" and rest == "\n\nA tensor is...\n"
    assert site_hooks.RUN_IN_ORDER in start
    assert "[Open in Colab](https://colab.example/t){ .md-button }" in start
    assert '[Download notebook (.ipynb)](notebooks/tensors.ipynb){ .md-button download="tensors.ipynb" }' in start
    assert '[Download code (.py)](notebooks/tensors.py){ .md-button download="tensors.py" }' in start
    assert "Colab" not in site_hooks.chapter_start(page, "notebooks/tensors.ipynb", None)


def test_the_output_titles_are_the_page_models():
    assert (site_hooks.OUTPUT_TITLE, site_hooks.STDERR_TITLE) == (blocks.OUTPUT_TITLE, blocks.STDERR_TITLE)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "# T\n\nShort one. The second sentence says more than that.\n",
            "Short one. The second sentence says more than that.",
        ),
        (
            "# T\n\nA first sentence long enough to stand alone here. Not this.\n",
            "A first sentence long enough to stand alone here.",
        ),
        ("# T\n\nIt uses [A.5](a.md) (see [there](b.md)) and so on for long.\n", "It uses A.5 and so on for long."),
        ("---\ndescription: Given in its front matter.\n---\n# T\n\nNot this one.\n", "Given in its front matter."),
        ("# T\n\n- a list first\n", ""),
    ],
)
def test_a_pages_one_line_is_its_description_or_its_first_sentence(markdown, expected):
    assert site_hooks.one_line(markdown) == expected


def test_the_home_page_lists_the_navigation_and_fails_without_its_heading(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\nThe first page, about something worth a line.\n")
    (tmp_path / "b.md").write_text("# B\n\nThe second page, about something else entirely.\n")
    nav = [{"Home": "index.md"}, {"Part": [{"A.1 A": "a.md"}]}, {"B": "b.md"}]
    home = "# Home\n\n## The pages\n\n## Credits\n\nThe book.\n"
    made = site_hooks.home_page(home, nav, tmp_path, "https://github.com/example/primer")
    assert made == (
        "# Home\n\n## The pages\n\n- **Part**\n    - [A.1 A](a.md): The first page, about something worth a line.\n"
        "- [B](b.md): The second page, about something else entirely.\n\n## Credits\n\nThe book.\n\n"
        "This site's own source, and its issues, are at <https://github.com/example/primer>.\n"
    )
    assert "source" not in site_hooks.home_page(home, nav, tmp_path, None)
    with pytest.raises(ValueError, match="The pages"):
        site_hooks.home_page("# Home\n\n## Credits\n", nav, tmp_path, None)


CODE = '<div class="language-python highlight"><pre><code>x</code></pre></div>'


def titled(title: str, text: str, attributes: str = "") -> str:
    opening = f'<div class="language-text highlight"{attributes}><span class="filename">{title}</span>'
    return f"{opening}<pre><code>{text}</code></pre></div>"


@pytest.mark.parametrize(
    ("block", "classes"),
    [
        (titled("Output", "tensor([1, 2])\n"), "primer-output"),
        (titled("Output", "before\nRuntimeError: view size is not compatible\n"), "primer-output primer-raises"),
        (
            titled("Output with PyTorch 2.0.1", "<span>ValueError</span>: no\n", ' data-environment="book"'),
            "primer-output primer-raises",
        ),
        (titled("Output (stderr)", "UserWarning: careful\n"), "primer-output primer-stderr"),
        (titled("train.py", "print(1)\n"), None),  # a file, not an output
        (titled("Outputs", "x\n"), None),
    ],
)
def test_output_blocks_are_marked_for_the_stylesheet(block, classes):
    marked = site_hooks.mark_outputs_and_figures(CODE + block)
    assert marked.startswith(CODE)
    if classes is None:
        assert marked == CODE + block
    else:
        assert f'class="language-text highlight {classes}"' in marked
        assert marked.replace(f" {classes}", "") == CODE + block


def test_a_figure_opens_full_size():
    image = '<img alt="A" class="figure" src="../figures/x.svg" />'
    assert site_hooks.mark_outputs_and_figures(f"<p>{image}</p>") == (
        f'<p><a class="primer-figure" href="../figures/x.svg" title="Open the figure full size">{image}</a></p>'
    )


def test_the_line_under_a_page_names_the_versions_that_passed_it():
    found = records.load()
    reference = found[REFERENCE]
    page = next(page for page in reference["results"] if page.startswith("docs/") and page.endswith(".md"))
    page = page.removeprefix("docs/")
    line = site_hooks.checked_line(page, found)
    version = reference["machine"]["torch"].split("+")[0]
    assert line.startswith(f"Checked with PyTorch {version} on ")
    failed = copy.deepcopy(found)
    failed[REFERENCE]["results"][f"docs/{page}"]["failed"] = 1
    assert site_hooks.checked_line(page, failed) is None
    assert site_hooks.checked_line("glossary.md", {REFERENCE: {**reference, "results": {}}}) is None
    assert paths.DOCS.joinpath(page).is_file()


def test_a_gpu_output_says_which_run_printed_it_or_that_none_has() -> None:
    code = '<div class="language-console highlight" data-needs="cuda"><pre><code>$ x</code></pre></div>'
    output = '<div class="language-text highlight"><span class="filename">Output</span><pre><code>1</code></pre></div>'
    gpu_block = (
        '<div class="language-text highlight" data-environment="gpu"><span class="filename">Output on a GPU</span>'
        "<pre><code>2</code></pre></div>"
    )
    plain = '<div class="language-python highlight"><pre><code>print(3)</code></pre></div>' + output
    page = code + output + gpu_block + plain
    record = {
        "date": "2026-11-29",
        "machine": {"gpu": "NVIDIA H200"},
        "pinned": {"k": {"page": "docs/p.md", "title": "Output on a GPU", "text": "2\n"}},
    }
    noted = site_hooks.gpu_notes(page, "p.md", record)
    notes = re.findall(r'<p class="primer-gpu-note">([^<]*)</p>', noted)
    assert notes == [
        "From a machine with an NVIDIA GPU, which the checks of every change do not have: no GPU run has checked "
        "this output as the page shows it yet.",
        "Printed on an NVIDIA H200 by this project's GPU run of 29 November 2026; the checks fail if the page shows "
        "anything else.",
    ]
    assert noted.endswith(plain), "the Output block under a block that needs no GPU gets no note"
