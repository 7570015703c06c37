"""The study notes' logistic regression: two Gaussian clusters, nn.Linear + Sigmoid, BCELoss, SGD momentum.

An ordinary PyTorch program; run it on ember with ``python -m ember run examples/logistic_regression.py``.
Stops once the training accuracy exceeds 99% and prints it.
"""
import torch
import torch.nn as nn

torch.manual_seed(10)

# ============================ step 1/5 data ============================
sample_nums = 100
mean_value = 1.7
bias = 1
n_data = torch.ones(sample_nums, 2)
x0 = torch.normal(mean_value * n_data, 1) + bias      # class 0, shape (100, 2)
y0 = torch.zeros(sample_nums)
x1 = torch.normal(-mean_value * n_data, 1) + bias     # class 1, shape (100, 2)
y1 = torch.ones(sample_nums)
train_x = torch.cat((x0, x1), 0)
train_y = torch.cat((y0, y1), 0)


# ============================ step 2/5 model ============================
class LR(nn.Module):
    def __init__(self):
        super(LR, self).__init__()
        self.features = nn.Linear(2, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = self.features(x)
        x = self.sigmoid(x)
        return x


lr_net = LR()

# ============================ step 3/5 loss ============================
loss_fn = nn.BCELoss()

# ============================ step 4/5 optimizer ============================
optimizer = torch.optim.SGD(lr_net.parameters(), lr=0.01, momentum=0.9)

# ============================ step 5/5 training ============================
for iteration in range(1000):
    y_pred = lr_net(train_x)
    loss = loss_fn(y_pred.squeeze(), train_y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()

    if iteration % 20 == 0:
        mask = y_pred.ge(0.5).float().squeeze()
        correct = (mask == train_y).sum()
        acc = correct.item() / train_y.size(0)
        w0, w1 = lr_net.features.weight[0]
        print("Iteration: {:4d} loss={:.4f} w0:{:.2f} w1:{:.2f} b:{:.2f} accuracy:{:.2%}".format(
            iteration, loss.item(), w0.item(), w1.item(), lr_net.features.bias[0].item(), acc))
        if acc > 0.99:
            break

print("final accuracy: {:.4f}".format(acc))
