"""Logs training curves for TensorBoard."""

from torch.utils.tensorboard import SummaryWriter

writer = SummaryWriter("runs")
