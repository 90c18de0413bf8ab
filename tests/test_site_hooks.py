"""The MkDocs hooks: which page offers which notebook, and where Colab opens it."""

import pytest

from primer import site_hooks

NOTEBOOKS = {"notebooks/tensors.ipynb", "notebooks/autograd.ipynb"}


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("tensors.md", "notebooks/tensors.ipynb"),  # a chapter
        ("notebooks/tensors.ipynb", "notebooks/tensors.ipynb"),  # its notebook's own page
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


def test_the_notebook_button_goes_under_the_title():
    page = "# A.2 Tensors\n\nA tensor is...\n"
    assert site_hooks.notebook_button(page, "notebooks/tensors.ipynb") == (
        "# A.2 Tensors\n\n[Open this chapter as a notebook](notebooks/tensors.ipynb){ .md-button }\n\nA tensor is...\n"
    )
