"""Issue 4's "done when" programs: models built from nn.Module train in ember and torch from the same initial
weights and print the same losses."""
import numpy as np
import pytest

from test_programs import assert_same_printout

MLP = """
class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 16)
        self.fc2 = torch.nn.Linear(16, 8)
        self.fc3 = torch.nn.Linear(8, 1)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        return self.fc3(self.relu(self.fc2(self.relu(self.fc1(x)))))

model = MLP()
with torch.no_grad():
    for name, param in model.named_parameters():
        param.copy_(torch.from_numpy(weights[name]))
x = torch.from_numpy(features)
y = torch.from_numpy(targets)
criterion = torch.nn.MSELoss()
lr = 0.05
for step in range(40):
    loss = criterion(model(x), y)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    if step % 5 == 0:
        print(f'step {step} loss {loss.item():.6f}')
print(model)
print(loss)
"""


LOGISTIC_REGRESSION = """
class LR(torch.nn.Module):
    def __init__(self):
        super(LR, self).__init__()
        self.features = torch.nn.Linear(2, 1)
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.features(x)
        x = self.sigmoid(x)
        return x

lr_net = LR()
lr_net.features.weight.data = torch.from_numpy(w0)
lr_net.features.bias.data = torch.from_numpy(b0)
x = torch.from_numpy(features)
y = torch.from_numpy(labels)
loss_fn = torch.nn.BCELoss()
optimizer_lr = 0.1
for iteration in range(100):
    y_pred = lr_net(x)
    loss = loss_fn(y_pred.squeeze(), y)
    loss.backward()
    for p in lr_net.parameters():
        p.data.sub_(optimizer_lr * p.grad)
        p.grad.zero_()
    if iteration % 20 == 0:
        mask = y_pred.ge(0.5).float().squeeze()
        correct = (mask == y).sum()
        acc = correct.item() / y.size(0)
        print('iteration {} loss {:.5f} acc {:.4f}'.format(iteration, loss.item(), acc))
print(lr_net.features.weight, lr_net.features.bias)
"""


def mlp_weights(rng):
    shapes = {"fc1.weight": (16, 4), "fc1.bias": (16,), "fc2.weight": (8, 16), "fc2.bias": (8,),
              "fc3.weight": (1, 8), "fc3.bias": (1,)}
    return {name: (rng.standard_normal(shape) * 0.4).astype(np.float32) for name, shape in shapes.items()}


@pytest.mark.parametrize("seed", [0, 1])
def test_mlp_prints_the_same_losses(seed):
    rng = np.random.default_rng(seed)
    features = rng.standard_normal((32, 4)).astype(np.float32)
    targets = (features[:, :1] * 0.7 - features[:, 1:2] ** 2 + 0.1).astype(np.float32)
    got = assert_same_printout(MLP, rtol=1e-5, atol=1e-5, weights=mlp_weights(rng), features=features,
                               targets=targets)
    assert "(fc1): Linear(in_features=4, out_features=16, bias=True)" in got and "MseLossBackward0" in got


def test_logistic_regression_prints_the_same_losses():
    rng = np.random.default_rng(3)
    n = 50
    features = np.concatenate([rng.normal(1.7, 1.0, (n, 2)), rng.normal(-1.7, 1.0, (n, 2))]).astype(np.float32)
    labels = np.concatenate([np.ones(n), np.zeros(n)]).astype(np.float32)
    got = assert_same_printout(LOGISTIC_REGRESSION, rtol=1e-5, atol=1e-5, features=features, labels=labels,
                               w0=rng.standard_normal((1, 2)).astype(np.float32), b0=np.zeros(1, np.float32))
    assert got.count("loss") == 5 and "Parameter containing:" in got
