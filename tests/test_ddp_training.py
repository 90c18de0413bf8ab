"""A.9.3: the DDP script under torchrun, on the CPU with Gloo on every run (and with NCCL where GPUs are).

Every launch has a timeout, so a hung process group fails the test instead of hanging the suite, and
every launch finds its own free port, so parallel runs do not collide.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
from packaging.version import Version
from torch.utils.data import DataLoader, DistributedSampler

from primer import torchrun
from primer.paths import ROOT
from snippets import ddp_spawn, ddp_training
from snippets.toy_data import train_ds
from tests import dependencies

TIMEOUT = 180  # seconds; a healthy launch takes a few
STOPS_WITHIN = 10  # seconds from one rank's failure to the end of the launch (about 2 here)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launcher_environment(**variables: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", **variables}


# CUDA_VISIBLE_DEVICES="" shows a process no CUDA GPU, so the script trains on the CPU with Gloo: what its error
# tells a reader to run when torchrun starts more processes than the machine has GPUs. The tests that start more
# processes than there are GPUs run so; the launch mechanics they check are the same on the CPU.
HIDE_THE_GPUS = {"CUDA_VISIBLE_DEVICES": ""}


def launch(*args: str, cwd: Path, nproc: int = 2, python: str | None = None) -> subprocess.CompletedProcess:
    """torchrun with nproc processes on this machine: on its CUDA GPUs, one each, where it has enough of them,
    otherwise on the CPU with Gloo."""
    command = started_with(python, torchrun.on_this_machine(nproc), args)
    env = launcher_environment(**(HIDE_THE_GPUS if torch.cuda.device_count() < nproc else {}))
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def started_with(python: str | None, launcher: list[str], script: tuple[str, ...]) -> list[str]:
    """The torchrun command line `launcher` (sys.executable -m torch.distributed.run, and its options) with the
    script and its arguments; with `python`, the launcher runs with it and starts its processes with it
    (`--no-python PYTHON -u SCRIPT`, where torchrun runs `sys.executable -u SCRIPT`)."""
    assert launcher[0] == sys.executable, launcher
    if python is None:
        return [*launcher, *script]
    return [python, *launcher[1:], "--no-python", python, "-u", *script]


def gpus_of_nodes() -> list[dict[str, str]]:
    """The CUDA GPUs each node of launch_two_nodes sees. Each node's process is local rank 0 and takes cuda:0, so
    two nodes on one machine would share a GPU, which NCCL refuses: with two GPUs or more, each node sees one of
    its own, as on two machines with a GPU each; with fewer, neither sees any, and both train on the CPU with Gloo.
    """
    if torch.cuda.device_count() < 2:
        return [HIDE_THE_GPUS, HIDE_THE_GPUS]
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "0,1").split(",")  # this machine's GPUs, as CUDA numbers them
    return [{"CUDA_VISIBLE_DEVICES": visible[node]} for node in (0, 1)]


def launch_two_nodes(*args: str, cwd: Path, python: str | None = None) -> list[subprocess.CompletedProcess]:
    """Two torchrun launchers of one process each, as on two machines, meeting through a c10d rendezvous;
    node N works in cwd/nodeN. How each launcher ended, in node order."""
    port = free_port()
    rendezvous = ["--nnodes=2", "--nproc_per_node=1", "--rdzv_backend=c10d"]
    rendezvous += [f"--rdzv_endpoint=127.0.0.1:{port}", f"--rdzv_id=primer-{port}"]
    nodes = []
    for node, gpus in enumerate(gpus_of_nodes()):
        (cwd / f"node{node}").mkdir()
        nodes.append(
            subprocess.Popen(
                started_with(python, [*torchrun.LAUNCHER, *rendezvous], args),
                cwd=cwd / f"node{node}",
                env=launcher_environment(**gpus),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        ended = [node.communicate(timeout=TIMEOUT) for node in nodes]
        return [subprocess.CompletedProcess(node.args, node.returncode, *out) for node, out in zip(nodes, ended)]
    finally:
        for node in nodes:
            node.kill()
            node.wait(timeout=30)


PROBE = str(ROOT / "tests" / "ddp_probe.py")


@pytest.fixture(scope="module")
def python(python_forks) -> str:
    """The `python` the CPU launches run with: its processes fork from a zygote that has imported torch
    (tests/forked_python.py). Each still runs as torchrun starts it, in a process group of its own that torchrun
    signals, with the launcher's environment; the test is about the launch and the script, not about the
    interpreter's start."""
    return python_forks()


def test_two_nodes_meet_and_train_the_same_model_each_on_its_own_shard(tmp_path, python):
    # The script's own setup and training loop (tests/ddp_probe.py drives them), with a launcher per node; the
    # docs page runs the whole script under one launcher (its console block). With fewer than two CUDA GPUs, both
    # nodes run on the CPU with Gloo (gpus_of_nodes): the test is about the launch, not the device.
    forked = python if torch.cuda.device_count() < 2 else None  # CUDA in a fork of a process that has it: no
    nodes = launch_two_nodes(PROBE, "train", str(tmp_path / "result.json"), cwd=tmp_path, python=forked)
    for node in nodes:
        assert node.returncode == 0 and "terminate called" not in node.stderr, node.stderr
    # The rendezvous, not the node's number, decides which node's process becomes global rank 0.
    reported = ["Test predictions: [0, 1]" in node.stdout for node in nodes]
    saved = [(tmp_path / f"node{node}" / "model.pth").exists() for node in (0, 1)]
    assert sorted(reported) == [False, True] and saved == reported, "global rank 0, and only it, reports and saves"
    reports = [json.loads((tmp_path / f"result.json.{rank}").read_text()) for rank in (0, 1)]
    assert [report["world_size"] for report in reports] == [2, 2]
    # What each rank's sampler drew in each epoch of the script's loop: [rank][epoch] -> indices
    drawn = [report["shards"] for report in reports]
    assert len(drawn[0]) == len(drawn[1]) == 3, "one order per epoch of the script's loop"
    for epoch, shards in enumerate(zip(*drawn, strict=True)):
        first, second = (set(shard) for shard in shards)
        assert first | second == set(range(5)), f"epoch {epoch}: shards {shards} do not cover the data set"
        # 5 examples over 2 ranks: the sampler pads with one repeat, so exactly one index is shared
        assert len(shards[0]) == len(shards[1]) == 3 and len(first & second) == 1
    assert drawn[0][0] != drawn[0][1] != drawn[0][2], "the script's set_epoch should reshuffle every epoch"
    # Every rank seeded differently, so the copies started apart; DDP copied rank 0's weights to all of them.
    initial = reports[0]["initial"]
    assert initial[0] != initial[1], "the ranks should have started from different weights"
    assert reports[0]["final"] == reports[1]["final"], "the copies differ after training"
    # Saved once, by rank 0, as the plain model: it loads into a NeuralNetwork with weights_only=True.
    from snippets.neural_network import NeuralNetwork

    saved_by_rank_0 = tmp_path / f"node{saved.index(True)}" / "model.pth"
    NeuralNetwork(2, 2).load_state_dict(torch.load(saved_by_rank_0, weights_only=True))


def test_a_rank_that_raises_fails_the_launch_fast_with_its_error(tmp_path, python):
    # Two processes: on the CPU with Gloo where there are fewer than two CUDA GPUs (launch); with one GPU, the
    # script itself would stop both processes (too many for the GPUs) before rank 1 could fail on purpose.
    forked = python if torch.cuda.device_count() < 2 else None
    run = launch(PROBE, "raise", str(tmp_path / "result.json"), cwd=tmp_path, python=forked)
    stopped = time.time()
    assert run.returncode != 0
    assert "rank 1 failed on purpose" in run.stderr
    # Fast: counted from the failure, not from the start (importing torch twice takes its time on a busy
    # machine). Rank 0, waiting for rank 1 in a barrier, ends at once, not after the process group's timeout
    # (30 minutes) or the grace the launcher gives a worker it stops before killing it (30 seconds).
    took = stopped - float((tmp_path / "result.json.1").read_text())
    assert took < STOPS_WITHIN, f"the launch went on {took:.1f} s after rank 1 failed"


def test_more_processes_than_examples_pads_the_data_set_by_repetition(monkeypatch):
    # The page's loader for 5 examples, as each of 8 ranks builds it (the process group simulated).
    monkeypatch.setattr(dist, "get_world_size", lambda group=None: 8)
    shards = []
    for rank in range(8):
        monkeypatch.setattr(dist, "get_rank", lambda group=None, rank=rank: rank)
        loader, sampler = ddp_training.prepare_loader(train_ds, batch_size=2)
        assert [len(labels) for _, labels in loader] == [1], f"rank {rank} should train on one example"
        shards.append(list(sampler))
    used = sorted(index for shard in shards for index in shard)
    assert set(used) == set(range(5)) and len(used) == 8  # every example, three of them twice


def test_the_loader_refuses_shuffle_next_to_a_sampler():
    sampler = DistributedSampler(train_ds, num_replicas=2, rank=0)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(train_ds, batch_size=2, shuffle=True, sampler=sampler)


SETUPS = {
    "torchrun": lambda: ddp_training.setup(),
    "mp.spawn": lambda: ddp_spawn.setup(1, 2),
}


@pytest.mark.parametrize("launcher", SETUPS)
@pytest.mark.parametrize(
    ("cuda", "nccl", "backend", "device"),
    [
        (True, True, "nccl", "cuda:1"),  # Linux with CUDA GPUs
        (False, True, "gloo", "cpu"),  # no CUDA GPU
        (False, False, "gloo", "cpu"),
    ],
)
def test_setup_uses_nccl_only_for_cuda_gpus_where_pytorch_has_it(monkeypatch, launcher, cuda, nccl, backend, device):
    joined = []
    monkeypatch.setenv("LOCAL_RANK", "1")  # the second of two processes on a machine with two GPUs, or none
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "2")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2 if cuda else 0)
    monkeypatch.setattr(torch.cuda, "set_device", lambda device: None)
    monkeypatch.setattr(dist, "is_nccl_available", lambda: nccl)
    monkeypatch.setattr(dist, "init_process_group", lambda backend, **kwargs: joined.append(backend))
    assert SETUPS[launcher]() == torch.device(device)
    assert joined == [backend]


@pytest.mark.parametrize("launcher", SETUPS)
def test_cuda_gpus_without_nccl_stop_the_script_before_gloo_would_crash(monkeypatch, launcher):
    # Windows: its PyTorch has no NCCL, and its Gloo crashes the process on an all-reduce of CUDA tensors.
    joined = []
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "2")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "set_device", lambda device: None)
    monkeypatch.setattr(dist, "is_nccl_available", lambda: False)
    monkeypatch.setattr(dist, "init_process_group", lambda backend, **kwargs: joined.append(backend))
    with pytest.raises(RuntimeError, match=r"needs NCCL.*WSL2"):
        SETUPS[launcher]()
    assert joined == []


@pytest.mark.gpu
def test_nccl_on_every_gpu(tmp_path):
    # One process per GPU, as --nproc_per_node=gpu starts them: on a machine with one GPU, a group of one.
    run = launch("-m", "snippets.ddp_training", cwd=tmp_path, nproc=torch.cuda.device_count())
    assert run.returncode == 0, run.stderr
    assert "Test predictions: [0, 1]" in run.stdout


@pytest.mark.parametrize("local_rank", ["0", "1"])
def test_more_processes_than_gpus_stop_every_process_before_any_cuda_call(monkeypatch, local_rank):
    # Process LOCAL_RANK of `torchrun --standalone --nproc_per_node=2` on a machine with one CUDA GPU (faked):
    # each process stops with the same error, also rank 0, whose GPU exists, so no process waits for the other.
    torchrun = {"LOCAL_RANK": local_rank, "RANK": local_rank, "LOCAL_WORLD_SIZE": "2", "WORLD_SIZE": "2"}
    torchrun |= {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}
    for name, value in torchrun.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    called = []
    monkeypatch.setattr(torch.cuda, "set_device", lambda device: called.append("set_device"))
    monkeypatch.setattr(dist, "init_process_group", lambda *args, **kwargs: called.append("init_process_group"))
    with pytest.raises(RuntimeError) as error:
        ddp_training.setup()
    message = str(error.value)
    assert "2 processes" in message and "1 CUDA GPU" in message, message
    assert "--nproc_per_node=gpu" in message and 'CUDA_VISIBLE_DEVICES=""' in message, message
    assert called == [], "the script should stop before it touches a GPU or joins the process group"


# A build without libuv, as PyTorch's Windows builds are: its TCPStore refuses to start with torch's own message.
WITHOUT_LIBUV = """
import torch.distributed as dist
import torch.distributed.elastic.rendezvous.c10d_rendezvous_backend as backend

class TCPStoreWithoutLibuv:
    def __init__(self, *args, **kwargs):
        raise dist.DistStoreError(MESSAGE)

backend.TCPStore = TCPStoreWithoutLibuv
"""


def libuv_message() -> str:
    """The error a TCPStore of a build without libuv raises, as torch's C++ library holds it."""
    import mmap

    library = next(
        p for p in (Path(torch.__file__).parent / "lib").iterdir() if p.name.startswith(("libtorch_cpu.", "torch_cpu."))
    )
    start = b"use_libuv was requested but PyTorch was built without libuv support"
    with library.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        at = data.find(start)
        if at < 0 and Version(torch.__version__.split("+")[0]) < Version("2.4"):
            dependencies.not_here("PyTorch before 2.4 has no libuv store; the page quotes the message of newer ones")
        assert at >= 0, f"{library.name} no longer holds the libuv message the platform page quotes"
        return data[at : data.find(b"\0", at)].decode()


def test_torchrun_standalone_without_libuv_ends_with_the_rendezvous_error_the_platform_page_shows(tmp_path):
    # torchrun --standalone on Windows: the c10d rendezvous catches the store's error and raises its own, with the
    # store's error as its cause. The page quotes the last line a reader sees, and the cause above it.
    message = libuv_message()
    (tmp_path / "sitecustomize.py").write_text(f"MESSAGE = {message!r}\n{WITHOUT_LIBUV}")
    (tmp_path / "script.py").write_text("print('never runs')\n")
    env = launcher_environment(PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    ended = subprocess.run(
        torchrun.on_this_machine(2, "script.py"), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert ended.returncode != 0 and "never runs" not in ended.stdout
    last = ended.stderr.strip().splitlines()[-1]
    cause = f"torch.distributed.DistStoreError: {message}"
    assert cause in ended.stderr and "The above exception was the direct cause" in ended.stderr, ended.stderr
    page = " ".join((ROOT / "docs" / "gpu-platforms.md").read_text(encoding="utf-8").split())
    for shown in (last, cause):
        assert f"`{shown}`" in page, f"docs/gpu-platforms.md should quote, as torchrun prints it: {shown}"
