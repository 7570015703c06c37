"""Finetuning as the study notes teach it, with ResNet-18 on two generated tasks.

Task A (which shape: disc, square, bar) trains the whole network briefly; its weights are saved. A fresh
ResNet-18 loads them, gets a new head for task B (where is the shape: left or right half), freezes the body
(requires_grad=False) and trains only the head. The body's weights stay exactly as loaded; the head learns.

An ordinary PyTorch program: ``python -m ember run examples/finetune_resnet.py [--steps-a N --steps-b N]``.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import torchvision.models as models


def shapes(count, seed, size=32):
    """Images of one shape each; returns (images, which shape 0-2, which half 0-1)."""
    rng = np.random.default_rng(seed)
    images = rng.normal(0, 0.1, (count, 3, size, size)).astype(np.float32)
    kind, side = rng.integers(0, 3, count), rng.integers(0, 2, count)
    yy, xx = np.mgrid[0:size, 0:size]
    for i in range(count):
        cx, cy = int(rng.integers(4, 12)) + 16 * side[i], int(rng.integers(8, 24))
        if kind[i] == 0:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= 16
        elif kind[i] == 1:
            mask = (abs(xx - cx) <= 3) & (abs(yy - cy) <= 3)
        else:
            mask = (abs(xx - cx) <= 1) & (abs(yy - cy) <= 6)
        images[i][:, mask] += 1.0
    return torch.from_numpy(images), torch.from_numpy(kind), torch.from_numpy(side)


def train(model, optimizer, images, labels, steps, batch=16):
    criterion = nn.CrossEntropyLoss()
    model.train()
    for step in range(steps):
        idx = torch.randint(0, len(labels), (batch,))
        optimizer.zero_grad()
        loss = criterion(model(images[idx]), labels[idx])
        loss.backward()
        optimizer.step()
        if step % max(1, steps // 5) == 0 or step == steps - 1:
            print("  step {:3d} loss {:.4f}".format(step, loss.item()))
    return loss.item()


def accuracy(model, images, labels):
    model.eval()
    with torch.no_grad():
        return (model(images).argmax(1) == labels).float().mean().item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps-a", type=int, default=40)
    parser.add_argument("--steps-b", type=int, default=60)
    parser.add_argument("--out", default=".")
    args = parser.parse_args()
    torch.manual_seed(0)
    images, kind, side = shapes(256, seed=0)

    print("task A: train ResNet-18 on which shape")
    model_a = models.resnet18(num_classes=3)
    train(model_a, optim.SGD(model_a.parameters(), lr=0.01, momentum=0.9), images, kind, args.steps_a)
    path = os.path.join(args.out, "resnet18_task_a.pt")
    torch.save(model_a.state_dict(), path)

    print("task B: reload, replace the head, freeze the body, train the head on which half")
    model = models.resnet18(num_classes=3)
    model.load_state_dict(torch.load(path, map_location="cpu"))
    for param in model.parameters():
        param.requires_grad = False
    model.fc = nn.Linear(model.fc.in_features, 2)
    body_before = {k: v.clone() for k, v in model.state_dict().items() if not k.startswith("fc.")}
    before = accuracy(model, images, side)
    head_params = [p for p in model.parameters() if p.requires_grad]
    train(model, optim.SGD(head_params, lr=0.05, momentum=0.9), images, side, args.steps_b)
    model.eval()
    after = accuracy(model, images, side)
    unchanged = all(torch.equal(v, model.state_dict()[k]) for k, v in body_before.items()
                    if not k.endswith(("running_mean", "running_var", "num_batches_tracked")))
    print("trainable parameters: {} of {}".format(sum(p.numel() for p in head_params),
                                                  sum(p.numel() for p in model.parameters())))
    print("body weights unchanged: {}".format(unchanged))
    print("head accuracy on task B: before {:.4f} after {:.4f}".format(before, after))


if __name__ == "__main__":
    main()
