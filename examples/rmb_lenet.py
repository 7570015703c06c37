"""The study notes' RMB classification (1 yuan vs 100 yuan) with LeNet, on a generated image folder.

Two visually distinct classes of banknote-like images are drawn into data/rmb_split/{train,valid}/{1,100}/;
the notes' own RMBDataset reads them, a Compose of Resize/RandomCrop/ToTensor/Normalize prepares them, a
DataLoader with worker processes batches them, and LeNet trains with SGD and StepLR.

An ordinary PyTorch program: ``python -m ember run examples/rmb_lenet.py [--epochs N] [--root DIR]``.
"""
import argparse
import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision.transforms as transforms
from PIL import Image, ImageDraw, ImageFilter
from torch.utils.data import DataLoader, Dataset

rmb_label = {"1": 0, "100": 1}


def draw_note(label, rng):
    """A banknote-like picture: a greenish note with a vertical band (1) or a reddish one with a disc (100)."""
    w, h = int(rng.integers(56, 72)), int(rng.integers(30, 40))
    base = (90, 150, 100) if label == "1" else (190, 80, 90)
    color = tuple(int(np.clip(c + rng.integers(-30, 30), 0, 255)) for c in base)
    img = Image.new("RGB", (w, h), color)
    draw = ImageDraw.Draw(img)
    if label == "1":
        x = int(rng.integers(w // 4, 3 * w // 4))
        draw.rectangle([x - 4, 2, x + 4, h - 3], fill=(230, 230, 210))
    else:
        r, cx, cy = int(rng.integers(7, 11)), int(rng.integers(14, w - 14)), h // 2
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(250, 220, 120))
    return img.filter(ImageFilter.GaussianBlur(0.8))


def make_dataset(root, per_class=(60, 20), seed=1):
    rng = np.random.default_rng(seed)
    for split, count in zip(("train", "valid"), per_class):
        for label in rmb_label:
            folder = os.path.join(root, split, label)
            os.makedirs(folder, exist_ok=True)
            for i in range(count):
                draw_note(label, rng).save(os.path.join(folder, f"{label}_{i:03d}.jpg"), quality=95)


class RMBDataset(Dataset):
    def __init__(self, data_dir, transform=None):
        self.data_info = self.get_img_info(data_dir)
        self.transform = transform

    def __getitem__(self, index):
        path_img, label = self.data_info[index]
        img = Image.open(path_img).convert("RGB")
        if self.transform is not None:
            img = self.transform(img)
        return img, label

    def __len__(self):
        return len(self.data_info)

    @staticmethod
    def get_img_info(data_dir):
        data_info = list()
        for root, dirs, _ in os.walk(data_dir):
            for sub_dir in sorted(dirs):
                img_names = sorted(os.listdir(os.path.join(root, sub_dir)))
                img_names = list(filter(lambda x: x.endswith(".jpg"), img_names))
                for img_name in img_names:
                    data_info.append((os.path.join(root, sub_dir, img_name), int(rmb_label[sub_dir])))
        return data_info


class LeNet(nn.Module):
    def __init__(self, classes):
        super(LeNet, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = F.max_pool2d(out, 2)
        out = F.relu(self.conv2(out))
        out = F.max_pool2d(out, 2)
        out = out.view(out.size(0), -1)
        out = F.relu(self.fc1(out))
        out = F.relu(self.fc2(out))
        return self.fc3(out)

    def initialize_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_normal_(m.weight.data)
                if m.bias is not None:
                    m.bias.data.zero_()
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight.data, 0, 0.1)
                m.bias.data.zero_()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--root", default=os.path.join("data", "rmb_split"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    random.seed(1)
    np.random.seed(1)
    torch.manual_seed(1)
    if not os.path.isdir(os.path.join(args.root, "train")):
        make_dataset(args.root)

    norm_mean, norm_std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    train_transform = transforms.Compose([
        transforms.Resize((32, 32)),
        transforms.RandomCrop(32, padding=4),
        transforms.ToTensor(),
        transforms.Normalize(norm_mean, norm_std),
    ])
    valid_transform = transforms.Compose([
        transforms.Resize((32, 32)),
        transforms.ToTensor(),
        transforms.Normalize(norm_mean, norm_std),
    ])
    train_data = RMBDataset(os.path.join(args.root, "train"), transform=train_transform)
    valid_data = RMBDataset(os.path.join(args.root, "valid"), transform=valid_transform)
    train_loader = DataLoader(train_data, batch_size=16, shuffle=True, num_workers=args.workers)
    valid_loader = DataLoader(valid_data, batch_size=16)

    net = LeNet(classes=2)
    net.initialize_weights()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.1)

    for epoch in range(args.epochs):
        loss_mean, correct, total = 0.0, 0, 0
        net.train()
        for i, (inputs, labels) in enumerate(train_loader):
            outputs = net(inputs)
            optimizer.zero_grad()
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).squeeze().sum().numpy()
            loss_mean += loss.item()
        scheduler.step()
        print("Training: Epoch[{:0>3}/{:0>3}] Loss: {:.4f} Acc:{:.2%} lr: {}".format(
            epoch + 1, args.epochs, loss_mean / len(train_loader), correct / total, scheduler.get_last_lr()[0]))

        correct_val, total_val = 0, 0
        net.eval()
        with torch.no_grad():
            for inputs, labels in valid_loader:
                _, predicted = torch.max(net(inputs).data, 1)
                total_val += labels.size(0)
                correct_val += (predicted == labels).squeeze().sum().numpy()
        print("Valid:    Epoch[{:0>3}/{:0>3}] Acc:{:.2%}".format(epoch + 1, args.epochs, correct_val / total_val))
    print("valid accuracy: {:.4f}".format(correct_val / total_val))


if __name__ == "__main__":
    main()
