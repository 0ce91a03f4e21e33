"""A tiny PyTorch Lightning regression (an MLP on synthetic data), reporting every epoch with ReportCallback.

Arguments: ``--lr``, ``--hidden``, ``--epochs`` (a scheduler with ``max_resource_attr="epochs"``
sets it to the next milestone) and ``--st_checkpoint_dir`` (set by the backend). A resumed trial
continues from its checkpoint.
"""
from __future__ import annotations

import argparse
import logging
import warnings

import lightning.pytorch as pl
import torch
from torch.utils.data import DataLoader, TensorDataset

from syne_tune.frameworks.lightning import ReportCallback


class Regressor(pl.LightningModule):
    def __init__(self, lr: float, hidden: int):
        super().__init__()
        self.lr = lr
        self.net = torch.nn.Sequential(torch.nn.Linear(4, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1))

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.net(x), y)
        self.log("train_loss", loss, on_epoch=True, on_step=False)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self.net(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr)


def loaders(seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(256, 4, generator=generator)
    y = (x.sum(dim=1, keepdim=True) + 0.1 * torch.randn(256, 1, generator=generator))
    train, valid = TensorDataset(x[:192], y[:192]), TensorDataset(x[192:], y[192:])
    return DataLoader(train, batch_size=32), DataLoader(valid, batch_size=64)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--st_checkpoint_dir", type=str, default=None)
    args, _ = parser.parse_known_args()

    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", ".*does not have many workers.*")
    warnings.filterwarnings("ignore", ".*LeafSpec.*")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    report = ReportCallback(metrics=["val_loss", "train_loss"], checkpoint_dir=args.st_checkpoint_dir)
    trainer = pl.Trainer(max_epochs=args.epochs, callbacks=[report], logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False, accelerator="cpu", devices=1)
    train_loader, valid_loader = loaders()
    trainer.fit(Regressor(args.lr, args.hidden), train_loader, valid_loader, ckpt_path=report.resume_from)
