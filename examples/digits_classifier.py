"""The 60-minute-blitz classifier, trained on the 8x8 handwritten digits that scikit-learn ships (upsampled to
32x32), or on MNIST IDX files / an image folder given with ``--data PATH``.

An ordinary PyTorch program; ember's main job runs it with ``python -m ember run examples/digits_classifier.py``.
Each epoch shows a tqdm progress bar and prints the test accuracy; TensorBoard logs go to runs/, the best
checkpoint to checkpoints/digits_best.pt, and a PNG grid of test digits with their predicted labels to
digits_predictions.png.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from PIL import Image, ImageDraw
from torch.utils.data import DataLoader, Dataset, random_split
from torch.utils.tensorboard import SummaryWriter
from torchvision import datasets, transforms, utils as vutils
from tqdm import tqdm


class Net(nn.Module):
    """The blitz tutorial's CNN, on one-channel 32x32 digits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class DigitsDataset(Dataset):
    """scikit-learn's 8x8 digits as grayscale PIL images, so the usual transforms apply."""

    def __init__(self, images, targets, transform=None):
        self.images = (images * (255.0 / 16.0)).round().astype(np.uint8)
        self.targets = targets.astype(np.int64)
        self.transform = transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        img = Image.fromarray(self.images[index], mode="L")
        if self.transform is not None:
            img = self.transform(img)
        return img, int(self.targets[index])


def build_datasets(data_path, train_transform, test_transform, seed):
    """(train set, test set) from scikit-learn's digits, MNIST IDX files or an image folder."""
    if data_path is None:
        from sklearn.datasets import load_digits
        digits = load_digits()
        order = np.random.default_rng(seed).permutation(len(digits.target))
        split = int(0.8 * len(order))
        train_idx, test_idx = order[:split], order[split:]
        return (DigitsDataset(digits.images[train_idx], digits.target[train_idx], train_transform),
                DigitsDataset(digits.images[test_idx], digits.target[test_idx], test_transform))
    if os.path.isdir(os.path.join(data_path, "MNIST")):
        return (datasets.MNIST(data_path, train=True, transform=train_transform),
                datasets.MNIST(data_path, train=False, transform=test_transform))
    full = datasets.ImageFolder(data_path, transform=train_transform)
    n_train = int(0.8 * len(full))
    train_set, test_set = random_split(full, [n_train, len(full) - n_train],
                                       generator=torch.Generator().manual_seed(seed))
    test_set.dataset = datasets.ImageFolder(data_path, transform=test_transform)
    return train_set, test_set


def evaluate(net, loader):
    net.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = net(images).argmax(1)
            correct += (predicted == labels).sum().item()
            total += labels.size(0)
    return correct / total


def save_prediction_grid(net, images, labels, path):
    """A PNG grid of test digits, each labelled with the network's prediction (green right, red wrong)."""
    net.eval()
    with torch.no_grad():
        predicted = net(images).argmax(1).tolist()
    grid = vutils.make_grid(images, nrow=8, padding=2, normalize=True)
    pil = Image.fromarray((grid.permute(1, 2, 0).numpy() * 255).astype(np.uint8)).resize(
        (grid.shape[2] * 3, grid.shape[1] * 3), Image.NEAREST)
    draw = ImageDraw.Draw(pil)
    cell = (images.shape[2] + 2) * 3
    for i, (p, y) in enumerate(zip(predicted, labels)):
        draw.text((i % 8 * cell + 8, i // 8 * cell + 4), str(p), fill=(0, 255, 0) if p == y else (255, 0, 0))
    pil.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="MNIST root (with MNIST/raw) or an image folder")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.03)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--logdir", default=None, help="TensorBoard run folder (default runs/DATE_HOST)")
    parser.add_argument("--out", default=".", help="where checkpoints/ and digits_predictions.png go")
    args = parser.parse_args()
    torch.manual_seed(0)

    normalize = transforms.Normalize((0.5,), (0.5,))
    train_transform = transforms.Compose([transforms.Grayscale(), transforms.Resize((32, 32)),
                                          transforms.RandomAffine(5, translate=(0.05, 0.05)),
                                          transforms.ToTensor(), normalize])
    test_transform = transforms.Compose([transforms.Grayscale(), transforms.Resize((32, 32)),
                                         transforms.ToTensor(), normalize])
    train_set, test_set = build_datasets(args.data, train_transform, test_transform, seed=0)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
                              persistent_workers=args.workers > 0)
    test_loader = DataLoader(test_set, batch_size=256, shuffle=False)

    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.3)
    writer = SummaryWriter(log_dir=args.logdir, comment="_digits")
    writer.add_graph(net, torch.zeros(1, 1, 32, 32))
    checkpoint = os.path.join(args.out, "checkpoints", "digits_best.pt")
    os.makedirs(os.path.dirname(checkpoint), exist_ok=True)

    best = 0.0
    for epoch in range(args.epochs):
        net.train()
        running = 0.0
        progress = tqdm(train_loader, desc=f"epoch {epoch + 1}/{args.epochs}", leave=False)
        for i, (inputs, labels) in enumerate(progress):
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
            progress.set_postfix(loss=f"{running / (i + 1):.3f}")
        scheduler.step()
        accuracy = evaluate(net, test_loader)
        writer.add_scalar("loss/train", running / len(train_loader), epoch)
        writer.add_scalar("accuracy/test", accuracy, epoch)
        print(f"epoch {epoch + 1:2d}  train loss {running / len(train_loader):.4f}  test accuracy {accuracy:.4f}")
        if accuracy > best:
            best = accuracy
            torch.save({"epoch": epoch, "model_state_dict": net.state_dict(),
                        "optimizer_state_dict": optimizer.state_dict(), "accuracy": accuracy}, checkpoint)

    net.load_state_dict(torch.load(checkpoint)["model_state_dict"])
    samples = [test_set[i] for i in range(64)]
    images, labels = torch.stack([image for image, _ in samples]), [label for _, label in samples]
    save_prediction_grid(net, images, labels, os.path.join(args.out, "digits_predictions.png"))
    writer.add_image("test digits", vutils.make_grid(images, normalize=True), args.epochs)
    writer.close()
    print(f"best test accuracy {best:.4f} (checkpoint {checkpoint})")


if __name__ == "__main__":
    main()
