"""A.2: the claims the tensors page makes about copies, views and types."""

import numpy as np
import pytest
import torch


def test_torch_tensor_copies_and_from_numpy_shares_memory():
    array = np.array([1.0, 2.0, 3.0])
    copied, shared = torch.tensor(array), torch.from_numpy(array)
    array[0] = 100.0
    assert copied[0] == 1.0 and shared[0] == 100.0
    assert copied.dtype == shared.dtype == torch.float64


def test_default_dtypes():
    assert torch.tensor([1, 2]).dtype == torch.int64
    assert torch.tensor([1.0, 2.0]).dtype == torch.float32


def test_view_shares_memory_and_reshape_copies_only_when_it_must():
    t = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert t.view(3, 2).data_ptr() == t.data_ptr()
    assert t.reshape(3, 2).data_ptr() == t.data_ptr()  # contiguous: reshape returns a view
    assert not t.T.is_contiguous()
    assert t.T.reshape(6).data_ptr() != t.data_ptr()  # not contiguous: reshape copies
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        t.T.view(6)


def test_matmul_and_the_at_operator_agree():
    t = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert torch.equal(t.matmul(t.T), t @ t.T)
    assert (t @ t.T).shape == (2, 2)


def test_dot_t_is_for_matrices_and_mt_transposes_a_batch_of_matrices():
    batch = torch.arange(12).reshape(2, 2, 3)
    with pytest.warns(UserWarning, match="deprecated"):
        assert batch.T.shape == (3, 2, 2)  # all dimensions reversed, not the matrices transposed
    assert torch.equal(batch.mT, batch.transpose(1, 2))
    assert torch.equal(batch.mT[0], batch[0].T)


def test_transposing_swaps_the_strides_without_copying():
    t = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert t.stride() == (3, 1) and t.T.stride() == (1, 3)
    assert t.T.data_ptr() == t.data_ptr()
