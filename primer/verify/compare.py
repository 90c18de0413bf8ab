"""Comparing what a block did with the blocks the page shows under it: the decision of pass or fail."""

from __future__ import annotations

from dataclasses import dataclass

from primer.environments import REFERENCE
from primer.pages import blocks

from . import outputs, rewrite
from .results import Raised, Run
from .settings import Settings

UPDATE_HINT = "Run `uv run dev.py test {page} --update-outputs` to rewrite this page's Output blocks from a real run."


@dataclass(frozen=True)
class Comparison:
    """One block's comparison: the page it is on, the block, and how the page reads where it is (`where`)."""

    document: object  # page.RenderedPage
    block: blocks.CodeBlock
    where: str
    settings: Settings

    def __call__(self, run: Run) -> str | None:
        if run.error and run.error.ends_the_script:
            return (
                f"{self.where} raised {run.error.name}, which ends a reader's script or session:\n{run.error.traceback}"
            )
        if run.left:
            return (
                f"{self.where} left {', '.join(run.left)} running: what it prints later would show under another "
                "block, and a reader's script might not end. Join or wait for it before the block ends."
            )
        problems = [self.stream("output", run.output, run.error), self.stream("stderr", run.stderr, None)]
        return "\n".join(problem for problem in problems if problem) or None

    def stream(self, stream: str, printed: str, error: Raised | None) -> str | None:
        """Compare one stream with the block shown for it: `output` (stdout and errors) or `stderr`."""
        target = self.settings.target
        try:
            select = self.block.output if stream == "output" else self.block.stderr
            fence = select(target.environment, target.platform)
        except blocks.OutputVariantError as problem:
            return f"{self.where}: {problem}"
        actual = outputs.as_shown(printed)
        if actual and not actual.endswith("\n"):
            actual += "\n"
        expected = fence.source if fence else ""
        try:
            recorded_in = target.environment if fence and target.environment in fence.environments else REFERENCE
            if outputs.matches(expected, actual, fence.varies if fence else [], target, recorded_in):
                return None
        except outputs.UselessRuleError as problem:
            if self.settings.rewriter is None:  # when rewriting, the new output is checked against the rule next run
                return f"{self.where}: {problem}"
        except outputs.RuleError as problem:
            return f"{self.where}: {problem}"
        if error and not _shows(expected, error):
            return f"{self.where} raised an error the page does not show:\n{error.traceback}"
        if stream == "stderr" and fence is None:  # like an error, what goes to stderr is shown only when declared
            return (
                f"{self.where} wrote to stderr (or warned), which the page does not show:\n{actual}"
                f'Show it in a ```text title="{blocks.STDERR_TITLE}"``` block under the Output block '
                "(`--update-outputs` fills in an empty one), or change the code so that it does not."
            )
        if self.settings.rewriter is not None:
            return self.rewrite(stream, fence, actual)
        shown = "Output block" if stream == "output" else f"{blocks.STDERR_TITLE} block"
        difference = outputs.diff(expected, actual)
        hint = UPDATE_HINT.format(page=self.where.split(":", 1)[0])
        return f"{self.where}: the {shown} differs from what the code printed\n{difference}\n{hint}"

    def rewrite(self, stream: str, fence: blocks.Fence | None, actual: str) -> str | None:
        """Rewrite the block this run is compared with, only where it is this run's own: the reference's plain
        block on the platform it is recorded on, else a block naming the environment or the platform."""
        target = self.settings.target
        title = blocks.OUTPUT_TITLE if stream == "output" else blocks.STDERR_TITLE
        if not target.in_reference and not (fence and target.environment in fence.environments):
            return (
                f"{self.where}: the {target.environment} environment prints something else than the reference; to "
                f'show it, add an empty {title} block with data-environment="{target.environment}" under the others '
                "and run again"
            )
        if target.platform != blocks.RECORDED_ON and not (fence and target.platform in fence.platforms):
            return (
                f"{self.where}: {target.platform} prints something else than {blocks.RECORDED_ON}, where the outputs "
                f'are recorded; to show it, add an empty {title} block with data-platform="{target.platform}" under '
                "the others and run again"
            )
        self.settings.rewriter.edits.append(rewrite.edit(self.document, self.block, fence, actual))
        return None


def _shows(expected: str, error: Raised) -> bool:
    """Whether the page shows this error the way Python reports it (`Name: message`), message aside."""
    return any(line == error.name or line.startswith(error.name + ":") for line in expected.splitlines())
