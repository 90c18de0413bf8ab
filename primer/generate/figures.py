"""The site's explanatory figures, as SVG files in docs/figures/.

The figures are plain boxes, arrows and text, so they are generated from this file rather than kept as
opaque drawings. Two are plots of what a chapter's code makes: the toy data set, from the code A.6 shows, and
the training loss, from the Output block of A.7's loop, which the page checks compare with a real run.
Dark mode inverts them with a CSS filter (docs/stylesheets/figures.css), so they use light fills here.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from xml.sax.saxutils import escape

from primer import paths
from primer.pages.expand import include

INK = "#1f2937"
COLORS = {  # fill, stroke
    "blue": ("#dbeafe", "#1d4ed8"),
    "green": ("#dcfce7", "#15803d"),
    "orange": ("#ffedd5", "#c2410c"),
    "purple": ("#ede9fe", "#6d28d9"),
    "gray": ("#f3f4f6", "#4b5563"),
}


class Figure:
    def __init__(self, width: int, height: int, title: str) -> None:
        self.width, self.height, self.title = width, height, title
        self.parts: list[str] = []

    def text(self, x, y, content, size=14, anchor="middle", weight="normal", color=INK) -> None:
        lines = content.split("\n")
        top = y - (len(lines) - 1) * size * 0.6
        for i, line in enumerate(lines):
            self.parts.append(
                f'<text x="{x}" y="{top + i * size * 1.2:.1f}" font-size="{size}" text-anchor="{anchor}" '
                f'font-weight="{weight}" fill="{color}" dominant-baseline="middle">{escape(line)}</text>'
            )

    def box(self, x, y, w, h, label="", color="blue", size=14, weight="normal", radius=8) -> None:
        fill, stroke = COLORS[color]
        self.parts.append(
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{radius}" fill="{fill}" stroke="{stroke}" '
            'stroke-width="2"/>'
        )
        if label:
            self.text(x + w / 2, y + h / 2, label, size=size, weight=weight)

    def circle(self, cx, cy, r, label="", color="blue", size=14) -> None:
        fill, stroke = COLORS[color]
        self.parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>')
        if label:
            self.text(cx, cy, label, size=size)

    def arrow(self, x1, y1, x2, y2, label="", color=INK, dashed=False, size=12, offset=(0, -10)) -> None:
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        self.parts.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" stroke-width="2"{dash} '
            'marker-end="url(#arrow)"/>'
        )
        if label:
            self.text((x1 + x2) / 2 + offset[0], (y1 + y2) / 2 + offset[1], label, size=size, color=color)

    def line(self, x1, y1, x2, y2, color="#9ca3af") -> None:
        self.parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" stroke-width="1.5"/>')

    def polyline(self, points, color=INK, width=2.5) -> None:
        coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{color}" stroke-width="{width}" '
            'stroke-linejoin="round"/>'
        )

    def marker(self, x, y, shape, color, hollow=False, size=7) -> None:
        """A data point: a circle or a square, filled, or hollow (white inside, a thicker outline)."""
        fill, stroke = COLORS[color]
        fill = "#ffffff" if hollow else stroke
        width = 2.5 if hollow else 1.5
        if shape == "circle":
            self.parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
            )
        else:
            side = size * 1.8
            self.parts.append(
                f'<rect x="{x - side / 2:.1f}" y="{y - side / 2:.1f}" width="{side:.1f}" height="{side:.1f}" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
            )

    def svg(self) -> str:
        return "\n".join(
            [
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
                f'width="{self.width}" height="{self.height}" role="img" font-family="system-ui, sans-serif">',
                f"<title>{escape(self.title)}</title>",
                '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
                f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker></defs>',
                *self.parts,
                "</svg>",
                "",
            ]
        )


def three_components() -> Figure:
    f = Figure(560, 260, "PyTorch's three core components")
    layers = [
        ("Deep-learning utilities\nlayers · losses · optimizers · data loaders", "purple"),
        ("Automatic differentiation\ngradients for training", "green"),
        ("Tensor library\nNumPy-like arrays on CPU and GPU", "blue"),
    ]
    for i, (label, color) in enumerate(layers):
        f.box(60, 20 + i * 78, 440, 64, label, color)
    return f


def ai_ml_dl() -> Figure:
    f = Figure(520, 320, "Deep learning within machine learning within artificial intelligence")
    f.box(10, 10, 500, 300, "", "gray", radius=150)
    f.text(260, 45, "Artificial intelligence", size=16, weight="bold")
    f.box(70, 70, 380, 220, "", "blue", radius=110)
    f.text(260, 105, "Machine learning", size=16, weight="bold")
    f.box(140, 135, 240, 130, "Deep learning", "purple", size=16, weight="bold", radius=65)
    return f


def supervised_learning() -> Figure:
    f = Figure(720, 260, "The supervised learning workflow")
    f.text(20, 30, "Training", size=15, anchor="start", weight="bold")
    f.box(20, 50, 170, 60, "Labeled examples\n(features + labels)", "blue", size=13)
    f.arrow(190, 80, 260, 80)
    f.box(260, 50, 170, 60, "Learning\nalgorithm", "green", size=13)
    f.arrow(430, 80, 500, 80)
    f.box(500, 50, 190, 60, "Trained model", "purple", size=14, weight="bold")
    f.text(20, 160, "Inference", size=15, anchor="start", weight="bold")
    f.box(20, 180, 170, 60, "New examples\n(features only)", "blue", size=13)
    f.arrow(190, 210, 500, 210)
    f.box(500, 180, 190, 60, "Predicted labels", "orange", size=14)
    f.arrow(595, 110, 595, 180, dashed=True)
    return f


def install_selector() -> Figure:
    f = Figure(720, 300, "Choosing a PyTorch install command")
    rows = [
        ("PyTorch build", ["Stable", "Preview (nightly)"]),
        ("Your OS", ["Linux", "Mac", "Windows"]),
        ("Package", ["pip", "LibTorch", "Source"]),
        ("Language", ["Python", "C++ / Java"]),
        ("Compute platform", ["CUDA", "ROCm", "CPU"]),
    ]
    for r, (name, options) in enumerate(rows):
        y = 15 + r * 46
        f.box(15, y, 170, 38, name, "gray", size=13)
        width = 510 / len(options)
        for i, option in enumerate(options):
            f.box(195 + i * width, y, width - 8, 38, option, "blue" if i == 0 else "gray", size=13)
    f.box(15, 250, 690, 40, "Run this command:  pip install torch", "green", size=14, weight="bold")
    return f


def colab_gpu() -> Figure:
    f = Figure(620, 280, "Selecting a GPU in Google Colab")
    f.box(15, 15, 590, 36, "", "gray", radius=4)
    for i, item in enumerate(["File", "Edit", "View", "Insert", "Runtime", "Tools", "Help"]):
        f.text(50 + i * 70, 33, item, size=13, weight="bold" if item == "Runtime" else "normal")
    f.box(300, 51, 200, 70, "", "gray", radius=4)
    f.text(310, 70, "Run all", size=13, anchor="start")
    f.box(304, 88, 192, 26, "Change runtime type", "blue", size=13, radius=4)
    f.arrow(400, 120, 400, 150)
    f.box(120, 150, 380, 115, "", "gray", radius=6)
    f.text(140, 172, "Change runtime type", size=14, anchor="start", weight="bold")
    f.text(140, 202, "Hardware accelerator", size=13, anchor="start")
    for i, option in enumerate(["CPU", "GPU", "TPU"]):
        f.box(140 + i * 110, 220, 96, 30, option, "green" if option == "GPU" else "gray", size=13, radius=4)
    return f


def tensor_ranks() -> Figure:
    f = Figure(600, 250, "Tensors of rank 0, 1 and 2")
    f.text(70, 25, "rank 0 (scalar)", size=14, weight="bold")
    f.box(45, 100, 50, 40, "1", "blue")
    f.text(250, 25, "rank 1 (vector)", size=14, weight="bold")
    for i, v in enumerate(["1", "2", "3"]):
        f.box(225, 55 + i * 45, 50, 40, v, "green")
    f.text(460, 25, "rank 2 (matrix)", size=14, weight="bold")
    for r in range(2):
        for c in range(2):
            f.box(405 + c * 55, 80 + r * 45, 50, 40, str(r * 2 + c + 1), "purple")
    f.text(250, 230, "three elements, one index: still rank 1", size=12)
    return f


def _graph(f: Figure, gradients: bool) -> None:
    f.circle(50, 60, 26, "x₁", "blue")
    f.circle(50, 150, 26, "w₁", "green")
    f.circle(200, 190, 26, "b", "green")
    f.box(140, 80, 60, 50, "×", "gray", size=20)
    f.box(260, 110, 60, 50, "+", "gray", size=20)
    f.box(380, 110, 60, 50, "σ", "gray", size=20)
    f.box(510, 110, 80, 50, "loss", "orange")
    f.circle(550, 225, 26, "y", "blue")
    f.arrow(76, 66, 140, 96)
    f.arrow(76, 145, 140, 118)
    f.arrow(200, 105, 260, 128, "u", offset=(0, -12))
    f.arrow(222, 178, 262, 160)
    f.arrow(320, 135, 380, 135, "z")
    f.arrow(440, 135, 510, 135, "a")
    f.arrow(550, 199, 550, 160)
    if gradients:
        f.arrow(510, 150, 440, 150, "∂L/∂a", color="#b91c1c", size=12, offset=(0, 14))
        f.arrow(380, 150, 320, 150, "∂a/∂z", color="#b91c1c", size=12, offset=(0, 14))
        f.arrow(260, 150, 205, 128, "∂z/∂u", color="#b91c1c", size=12, offset=(10, 18))
        f.arrow(140, 128, 80, 160, "∂u/∂w₁", color="#b91c1c", size=12, offset=(-10, 22))
        f.text(300, 270, "∂L/∂w₁ = ∂L/∂a · ∂a/∂z · ∂z/∂u · ∂u/∂w₁", size=15, color="#b91c1c")


def computation_graph() -> Figure:
    f = Figure(620, 260, "The computation graph of a logistic regression forward pass")
    _graph(f, gradients=False)
    return f


def backpropagation() -> Figure:
    f = Figure(620, 290, "Backpropagation: the chain rule applied from the loss back to the weights")
    _graph(f, gradients=True)
    return f


def multilayer_perceptron() -> Figure:
    f = Figure(640, 320, "A multilayer perceptron with two hidden layers")
    layers = [
        ("Input layer", 3, "blue"),
        ("Hidden layer 1", 4, "green"),
        ("Hidden layer 2", 4, "green"),
        ("Output layer", 2, "orange"),
    ]
    xs = [80, 240, 400, 560]
    positions = []
    for (name, units, _), x in zip(layers, xs):
        top = 170 - (units - 1) * 30
        positions.append([(x, top + i * 60) for i in range(units)])
        f.text(x, 300, name, size=13, weight="bold")
    for left, right in itertools.pairwise(positions):
        for a in left:
            for b in right:
                f.line(a[0] + 20, a[1], b[0] - 20, b[1])
    for (_, _, color), units in zip(layers, positions):
        for x, y in units:
            f.circle(x, y, 20, "", color)
    return f


def dataset_dataloader() -> Figure:
    f = Figure(700, 250, "A Dataset returns single examples, a DataLoader shuffles and batches them")
    f.box(20, 70, 180, 110, "Dataset\n\n__getitem__(i)\n__len__()", "blue", size=13)
    f.arrow(200, 125, 280, 125, "one example", offset=(0, -14))
    f.box(280, 70, 180, 110, "DataLoader\n\nshuffle\nbatch_size · drop_last", "purple", size=13)
    for i in range(3):
        y = 40 + i * 65
        f.arrow(460, 125, 530, y + 25)
        f.box(530, y, 150, 50, f"batch {i + 1}", "green", size=13)
    f.text(605, 230, "to the training loop", size=12)
    return f


def data_loader_workers() -> Figure:
    f = Figure(720, 300, "Data loading with and without background workers")
    f.text(20, 25, "num_workers=0: the model waits while each batch loads", size=14, anchor="start", weight="bold")
    x = 20
    for i in range(4):
        f.box(x, 45, 70, 34, "load", "orange", size=12, radius=4)
        f.box(x + 70, 45, 90, 34, f"train {i + 1}", "green", size=12, radius=4)
        x += 165
    f.text(
        20,
        125,
        "num_workers=2: workers load ahead, the model trains back to back",
        size=14,
        anchor="start",
        weight="bold",
    )
    for i in range(4):
        f.box(20 + i * 80, 145 + (i % 2) * 40, 70, 34, f"load {i + 1}", "orange", size=12, radius=4)
    for i in range(4):
        f.box(90 + i * 95, 235, 90, 34, f"train {i + 1}", "green", size=12, radius=4)
    f.text(480, 162, "worker 1", size=12, anchor="start")
    f.text(480, 202, "worker 2", size=12, anchor="start")
    f.text(480, 252, "main process", size=12, anchor="start")
    return f


def ddp_model_data() -> Figure:
    f = Figure(700, 300, "DDP copies the model to every GPU and gives each a different part of the data")
    f.box(20, 30, 150, 60, "Model", "purple", weight="bold")
    f.box(20, 190, 150, 60, "Data set", "blue", weight="bold")
    for i in range(2):
        y = 20 + i * 140
        f.box(300, y, 360, 120, "", "gray")
        f.text(480, y + 18, f"GPU {i}", size=14, weight="bold")
        f.box(320, y + 40, 150, 60, f"model copy {i}", "purple", size=13)
        f.box(490, y + 40, 150, 60, f"minibatches\nshard {i}", "blue", size=13)
        f.arrow(170, 60, 318, y + 70)
        f.arrow(170, 220, 488, y + 90)
    return f


def ddp_gradient_sync() -> Figure:
    f = Figure(700, 330, "DDP runs forward and backward passes independently, then averages the gradients")
    for i in range(2):
        x = 30 + i * 350
        f.box(x, 20, 290, 180, "", "gray")
        f.text(x + 145, 40, f"GPU {i}", size=14, weight="bold")
        f.box(x + 15, 60, 120, 50, "forward", "green", size=13)
        f.box(x + 155, 60, 120, 50, "backward", "orange", size=13)
        f.arrow(x + 135, 85, x + 155, 85)
        f.box(x + 75, 135, 140, 50, f"gradients {i}", "orange", size=13)
        f.arrow(x + 215, 110, x + 175, 135)
    f.box(200, 235, 300, 50, "all-reduce: average the gradients", "purple", size=13, weight="bold")
    f.arrow(175, 185, 260, 235)
    f.arrow(525, 185, 440, 235)
    f.text(350, 310, "every copy then takes the same optimizer step", size=12)
    return f


class Axes:
    """A plot area in a figure: data coordinates to SVG ones, with ticks and grid lines."""

    def __init__(self, f: Figure, box: tuple[float, float, float, float], xs: tuple, ys: tuple) -> None:
        self.f, (self.left, self.top, self.right, self.bottom), self.xs, self.ys = f, box, xs, ys

    def x(self, value: float) -> float:
        low, high = self.xs
        return self.left + (value - low) / (high - low) * (self.right - self.left)

    def y(self, value: float) -> float:
        low, high = self.ys
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)

    def ticks(self, xticks, yticks, xlabel: str, ylabel: str, size: int = 13, fmt=str, below: float = 36) -> None:
        for value in xticks:
            self.f.line(self.x(value), self.top, self.x(value), self.bottom, color="#e5e7eb")
            self.f.text(self.x(value), self.bottom + 14, fmt(value), size=size)
        for value in yticks:
            self.f.line(self.left, self.y(value), self.right, self.y(value), color="#e5e7eb")
            self.f.text(self.left - 6, self.y(value), fmt(value), size=size, anchor="end")
        self.f.line(self.left, self.bottom, self.right, self.bottom, color=INK)
        self.f.line(self.left, self.top, self.left, self.bottom, color=INK)
        self.f.text((self.left + self.right) / 2, self.bottom + below, xlabel, size=size)
        self.f.text(self.left - 6, self.top - 14, ylabel, size=size, anchor="start")


def _number(value: float) -> str:
    return f"{value:g}".replace("-", "−")  # a minus sign, as wide as the plus


def toy_data_set() -> dict[str, list]:
    """The toy data set of A.6, made by running the code the page shows."""
    namespace: dict = {}
    exec(include("snippets/toy_data.py:data", paths.CONFIG), namespace)
    return {name: namespace[name].tolist() for name in ("X_train", "y_train", "X_test", "y_test")}


def toy_data() -> Figure:
    data = toy_data_set()
    f = Figure(360, 300, "The toy data set: two features per example, two classes that a straight line separates")
    axes = Axes(f, (44, 36, 344, 246), (-2, 4), (-3, 4))
    axes.ticks(range(-2, 5), range(-2, 5, 2), "feature 1", "feature 2", fmt=_number)
    styles = {0: ("circle", "blue"), 1: ("square", "orange")}
    for features, labels, hollow in ((data["X_train"], data["y_train"], False), (data["X_test"], data["y_test"], True)):
        for (x1, x2), label in zip(features, labels):
            f.marker(axes.x(x1), axes.y(x2), *styles[label], hollow=hollow)
    legend = [("circle", "blue", False, "class 0, training"), ("square", "orange", False, "class 1, training")]
    legend += [("circle", "blue", True, "class 0, test"), ("square", "orange", True, "class 1, test")]
    for i, (shape, color, hollow, text) in enumerate(legend):
        y = 52 + i * 22
        f.marker(212, y, shape, color, hollow=hollow, size=6)
        f.text(224, y, text, size=13, anchor="start")
    return f


LOSS_LINE = re.compile(r"Epoch: (\d+)/\d+ \| Batch (\d+)/(\d+) \| Train Loss: ([\d.]+)")


def training_losses(page: Path = paths.DOCS / "training-loop.md") -> list[tuple[int, int, float]]:
    """(epoch, batch, loss) of each line that A.7's loop prints, read from the page's Output block under it,
    which the page checks compare with what the loop prints."""
    text = page.read_text(encoding="utf-8")
    found = re.search(r'--8<-- "snippets/training_loop.py:train"\n```\n\n```text title="Output"\n(.*?)```', text, re.S)
    assert found, f"{page.name} shows no Output block under the training loop"
    return [(int(e), int(b), float(loss)) for e, b, _, loss in LOSS_LINE.findall(found[1])]


def training_loss() -> Figure:
    losses = training_losses()
    f = Figure(360, 300, "The training loss of A.7's loop, batch by batch: it falls to almost zero in three epochs")
    steps = len(losses)
    axes = Axes(f, (44, 36, 344, 226), (0.5, steps + 0.5), (0, 0.8))
    axes.ticks(
        range(1, steps + 1), (0, 0.2, 0.4, 0.6, 0.8), "training step (one batch each)", "loss", fmt=_number, below=60
    )
    per_epoch = max(batch for _, batch, _ in losses)
    for epoch in range(1, steps // per_epoch + 1):
        middle = (epoch - 1) * per_epoch + (per_epoch + 1) / 2
        f.text(axes.x(middle), axes.bottom + 36, f"epoch {epoch}", size=13, weight="bold")
        if epoch > 1:
            boundary = axes.x((epoch - 1) * per_epoch + 0.5)
            f.line(boundary, axes.top, boundary, axes.bottom, color="#9ca3af")
    points = [(axes.x(step), axes.y(loss)) for step, (_, _, loss) in enumerate(losses, 1)]
    f.polyline(points, color=COLORS["blue"][1])
    for (x, y), (_, _, loss) in zip(points, losses):
        f.marker(x, y, "circle", "blue", size=5)
        f.text(x + 8, y - 12, f"{loss:.2f}", size=12, anchor="start")
    return f


FIGURES = {
    "three-components": three_components,
    "ai-ml-dl": ai_ml_dl,
    "supervised-learning": supervised_learning,
    "install-selector": install_selector,
    "colab-gpu": colab_gpu,
    "tensor-ranks": tensor_ranks,
    "computation-graph": computation_graph,
    "backpropagation": backpropagation,
    "multilayer-perceptron": multilayer_perceptron,
    "dataset-dataloader": dataset_dataloader,
    "data-loader-workers": data_loader_workers,
    "ddp-model-data": ddp_model_data,
    "ddp-gradient-sync": ddp_gradient_sync,
    "toy-data": toy_data,
    "training-loss": training_loss,
}


def render() -> dict[Path, str]:
    return {paths.FIGURES / f"{name}.svg": draw().svg() for name, draw in FIGURES.items()}
