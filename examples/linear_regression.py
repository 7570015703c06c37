"""The study notes' linear regression: fit y = 2x + 5 with hand-written gradient descent.

An ordinary PyTorch program; run it on ember with ``python -m ember run examples/linear_regression.py``.
"""
import torch

torch.manual_seed(10)
lr = 0.05

x = torch.rand(20, 1) * 10                   # x in [0, 10)
y = 2 * x + (5 + torch.randn(20, 1))         # y = 2x + 5 plus noise

w = torch.randn((1), requires_grad=True)
b = torch.zeros((1), requires_grad=True)

for iteration in range(1000):
    wx = torch.mul(w, x)
    y_pred = torch.add(wx, b)
    loss = (0.5 * (y - y_pred) ** 2).mean()
    loss.backward()

    b.data.sub_(lr * b.grad)
    w.data.sub_(lr * w.grad)
    w.grad.zero_()
    b.grad.zero_()

    if iteration % 20 == 0:
        print("Iteration: {:4d}  Loss={:.4f}  w: {} b: {}".format(iteration, loss.item(), w.data.numpy(),
                                                                  b.data.numpy()))
        if loss.data.numpy() < 1:
            break

print("fitted: y = {:.3f}x + {:.3f}".format(w.item(), b.item()))
