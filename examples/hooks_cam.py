"""The study notes' hook chapter: forward hooks capture the feature maps of a small AlexNet-style network,
make_grid turns them (and the first layer's kernels) into images for TensorBoard, and Grad-CAM (a forward hook
on the last conv plus a tensor hook for its gradient) shows where the network looked.

The network first learns to tell generated shapes apart (disc, square, bar), so its maps mean something.
An ordinary PyTorch program: ``python -m ember run examples/hooks_cam.py [--steps N] [--logdir DIR]``.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.utils as vutils
from torch.utils.tensorboard import SummaryWriter

SIZE = 48


def shape_images(count, seed):
    """Images holding one shape each on a noisy background; returns (images, labels, shape centres)."""
    rng = np.random.default_rng(seed)
    images = rng.normal(0, 0.1, (count, 3, SIZE, SIZE)).astype(np.float32)
    labels = rng.integers(0, 3, count)
    centres = rng.integers(10, SIZE - 10, (count, 2))
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    for i, ((cy, cx), label) in enumerate(zip(centres, labels)):
        if label == 0:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= 36
        elif label == 1:
            mask = (abs(xx - cx) <= 5) & (abs(yy - cy) <= 5)
        else:
            mask = (abs(xx - cx) <= 2) & (abs(yy - cy) <= 8)
        images[i][:, mask] += 1.0
    return torch.from_numpy(images), torch.from_numpy(labels), centres


class SmallAlexNet(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(32, 48, 3, padding=1), nn.ReLU(inplace=True))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(48, num_classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def grad_cam(net, img_tensor, layer):
    """The Grad-CAM heat map (H, W in [0, 1]) of ``img_tensor`` (1, C, H, W) at ``layer``, and the class."""
    fmaps, grads = [], []

    def forward_hook(module, inputs, output):
        fmaps.append(output)
        output.register_hook(lambda grad: grads.append(grad))

    handle = layer.register_forward_hook(forward_hook)
    output = net(img_tensor)
    handle.remove()
    class_idx = int(output.argmax(dim=1)[0])
    net.zero_grad()
    output[0, class_idx].backward()
    weights = grads[0][0].mean(dim=(1, 2))
    cam = F.relu((weights[:, None, None] * fmaps[0][0]).sum(dim=0)).detach()
    cam = F.interpolate(cam[None, None], size=img_tensor.shape[2:], mode="bilinear", align_corners=False)[0, 0]
    return (cam - cam.min()) / (cam.max() - cam.min() + 1e-8), class_idx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--logdir", default=None)
    args = parser.parse_args()
    torch.manual_seed(0)
    images, labels, centres = shape_images(512, seed=0)
    net = SmallAlexNet()
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    for step in range(args.steps):
        idx = torch.randint(0, len(labels), (32,))
        optimizer.zero_grad()
        loss = F.cross_entropy(net(images[idx]), labels[idx])
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        acc = (net(images).argmax(1) == labels).float().mean().item()
    print("trained: loss {:.4f} accuracy {:.4f}".format(loss.item(), acc))

    writer = SummaryWriter(log_dir=args.logdir, comment="_hooks")
    kernels = net.features[0].weight.detach().clone()
    writer.add_image("conv1 kernels", vutils.make_grid(kernels, normalize=True, scale_each=True, nrow=8), 0)

    fmap_dict = dict()
    for name, sub_module in net.named_modules():
        if isinstance(sub_module, nn.Conv2d):
            key_name = str(sub_module.weight.shape)
            fmap_dict.setdefault(key_name, list())
            n1, n2 = name.split(".")

            def hook_func(m, i, o):
                fmap_dict[str(m.weight.shape)].append(o)

            net._modules[n1]._modules[n2].register_forward_hook(hook_func)
    img_tensor = images[:1].clone()
    net(img_tensor)
    for layer_name, fmap_list in fmap_dict.items():
        fmap = fmap_list[0].detach()
        fmap.transpose_(0, 1)
        nrow = int(np.sqrt(fmap.shape[0]))
        fmap_grid = vutils.make_grid(fmap, normalize=True, scale_each=True, nrow=nrow)
        writer.add_image("feature map in {}".format(layer_name), fmap_grid, global_step=322)
        print("feature map in {}: grid {}".format(layer_name, tuple(fmap_grid.shape)))

    hits = 0
    for i in range(8):
        cam, class_idx = grad_cam(net, images[i:i + 1], net.features[6])
        peak_y, peak_x = divmod(int(cam.argmax()), SIZE)
        hits += abs(peak_y - centres[i][0]) <= 8 and abs(peak_x - centres[i][1]) <= 8
        heat = torch.stack([cam, cam * 0.3, 1 - cam])
        overlay = 0.5 * heat + 0.5 * (images[i] - images[i].min()) / (images[i].max() - images[i].min())
        writer.add_image("grad-cam/{}".format(i), overlay, 0)
    writer.close()
    print("Grad-CAM peak on the shape in {} of 8 images".format(hits))


if __name__ == "__main__":
    main()
