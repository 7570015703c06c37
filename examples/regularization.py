"""The study notes' regularisation comparisons on a tiny noisy regression set (10 points, y = 1.5x + noise):
a 3-hidden-layer MLP trained without and with weight decay, and without and with dropout (train/eval modes).
Losses, weight norms and weight/grad histograms go to TensorBoard.

An ordinary PyTorch program; run it on ember with ``python -m ember run examples/regularization.py``.
The unregularised nets fit the training noise (lowest train loss); weight decay keeps the weights smaller.
"""
import argparse

import torch
import torch.nn as nn
from torch.utils.tensorboard import SummaryWriter


def gen_data(num_data=10, x_range=(-1, 1)):
    w = 1.5
    train_x = torch.linspace(*x_range, num_data).unsqueeze_(1)
    train_y = w * train_x + torch.normal(0, 0.5, size=train_x.size())
    test_x = torch.linspace(*x_range, num_data).unsqueeze_(1)
    test_y = w * test_x + torch.normal(0, 0.3, size=test_x.size())
    return train_x, train_y, test_x, test_y


class MLP(nn.Module):
    def __init__(self, neural_num, d_prob=0.0):
        super(MLP, self).__init__()
        self.linears = nn.Sequential(
            nn.Linear(1, neural_num), nn.ReLU(inplace=True),
            nn.Dropout(d_prob), nn.Linear(neural_num, neural_num), nn.ReLU(inplace=True),
            nn.Dropout(d_prob), nn.Linear(neural_num, neural_num), nn.ReLU(inplace=True),
            nn.Dropout(d_prob), nn.Linear(neural_num, 1),
        )

    def forward(self, x):
        return self.linears(x)


def weight_norm(net):
    return sum((p ** 2).sum() for name, p in net.named_parameters() if "weight" in name).sqrt().item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--hidden", type=int, default=200)
    parser.add_argument("--logdir", default=None)
    args = parser.parse_args()
    torch.manual_seed(1)
    train_x, train_y, test_x, test_y = gen_data()
    nets = {"plain": MLP(args.hidden), "weight_decay": MLP(args.hidden), "dropout": MLP(args.hidden, d_prob=0.5)}
    optimizers = {name: torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9,
                                        weight_decay=1e-2 if name == "weight_decay" else 0.0)
                  for name, net in nets.items()}
    loss_func = nn.MSELoss()
    writer = SummaryWriter(log_dir=args.logdir, comment="_regularization")
    disp_interval = max(1, args.iters // 5)
    for epoch in range(args.iters):
        for name, net in nets.items():
            net.train()
            loss = loss_func(net(train_x), train_y)
            optimizers[name].zero_grad()
            loss.backward()
            optimizers[name].step()
        if (epoch + 1) % disp_interval == 0:
            train_losses, test_losses = {}, {}
            for name, net in nets.items():
                net.eval()
                with torch.no_grad():
                    train_losses[name] = loss_func(net(train_x), train_y).item()
                    test_losses[name] = loss_func(net(test_x), test_y).item()
                for param_name, param in net.named_parameters():
                    writer.add_histogram(f"{name}/{param_name}_data", param, epoch)
                    writer.add_histogram(f"{name}/{param_name}_grad", param.grad, epoch)
                writer.add_scalar(f"weight_norm/{name}", weight_norm(net), epoch)
            writer.add_scalars("loss/train", train_losses, epoch)
            writer.add_scalars("loss/test", test_losses, epoch)
            print("epoch {:5d}  ".format(epoch + 1) + "  ".join(
                "{}: train {:.4f} test {:.4f} |w| {:.2f}".format(name, train_losses[name], test_losses[name],
                                                                 weight_norm(nets[name])) for name in nets))
    writer.close()
    print("final train loss: " + " ".join("{}={:.5f}".format(k, v) for k, v in train_losses.items()))
    print("final weight norm: " + " ".join("{}={:.3f}".format(k, weight_norm(v)) for k, v in nets.items()))


if __name__ == "__main__":
    main()
